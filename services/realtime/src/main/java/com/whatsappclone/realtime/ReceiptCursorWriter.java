package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.db.GroupCommit;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Moves devices' receipt cursors in group commits ({@link GroupCommit}): the cursors recorded
 * by connections starting, finishing their receipt catch-up or closing at about the same time go
 * into one upsert and one transaction. In a reconnect storm that was one upsert and one commit per
 * connection, the costliest statement of the storm, waiting on each other where several devices
 * of one session connected at once.
 */
final class ReceiptCursorWriter implements AutoCloseable {

  static final int WRITERS = 2;
  static final int MAX_BATCH = 512;
  /** Each waiting caller holds a worker thread, so the worker pool bounds this first. */
  static final int MAX_WAITING = 4_096;

  private final GroupCommit<ReceiptCatchUpStore.Cursor, Boolean> commits;

  ReceiptCursorWriter(ReceiptCatchUpStore store) {
    this.commits = new GroupCommit<>("realtime-receipt-cursors", WRITERS, MAX_BATCH, MAX_WAITING,
        cursors -> {
          store.recordMany(cursors);
          return Collections.nCopies(cursors.size(), Boolean.TRUE);
        },
        cursor -> {
          store.recordMany(List.of(cursor));
          return Boolean.TRUE;
        });
  }

  /** The device had every receipt up to {@code at} (never moves a cursor back); blocks until committed. */
  void record(UUID sessionId, UUID userId, Instant at) {
    try {
      commits.write(new ReceiptCatchUpStore.Cursor(sessionId, userId, at));
    } catch (SQLException e) {
      throw new DatabaseException("recording a device's receipt cursor", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    commits.close();
  }
}
