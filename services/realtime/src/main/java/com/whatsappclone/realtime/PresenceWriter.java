package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.db.GroupCommit;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Records connecting devices in group commits ({@link GroupCommit}): the devices that connect at
 * about the same time get their presence rows, and their "online" verdicts, in one transaction
 * ({@link PresenceStore#connectedMany}) instead of one each (five round trips: begin, the user's
 * lock, the row, who else is online, commit). That transaction was the largest part of the
 * worker threads' time in a reconnect storm.
 */
final class PresenceWriter implements AutoCloseable {

  static final int WRITERS = 2;
  static final int MAX_BATCH = 256;
  /** Each waiting caller holds a worker thread, so the worker pool bounds this first. */
  static final int MAX_WAITING = 4_096;

  private final GroupCommit<PresenceStore.Connecting, Boolean> commits;

  PresenceWriter(PresenceStore store) {
    this.commits = new GroupCommit<>("realtime-presence", WRITERS, MAX_BATCH, MAX_WAITING,
        store::connectedMany,
        d -> store.connected(d.connectionId(), d.userId(), d.session(), d.instanceId(), d.now(), d.liveAfter()));
  }

  /** {@link PresenceStore#connected}, sharing its transaction with the devices connecting alongside. */
  boolean connected(UUID connectionId, UUID userId, Optional<UUID> session, UUID instanceId,
      Instant now, Instant liveAfter) {
    try {
      return commits.write(new PresenceStore.Connecting(connectionId, userId, session, instanceId, now, liveAfter));
    } catch (SQLException e) {
      throw new DatabaseException("recording a connection", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    commits.close();
  }
}
