package com.whatsappclone.chat;

import com.whatsappclone.common.db.GroupCommit;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Makes the reservations of concurrent sends in group commits ({@link GroupCommit}): every
 * reservation waiting goes into one INSERT and one transaction, and each send is answered once
 * that committed, as if it had inserted its own row. (One INSERT and one commit per send was a
 * quarter of the server's statement time and one WAL flush per message, on a pool of 10
 * connections that became the queue at high rates.)
 */
final class ReservationWriter implements AutoCloseable {

  /** Rows per statement: beyond this a batch waits for the next round. */
  static final int MAX_BATCH = 256;
  /** Waiting reservations; never reached while chat's call executor bounds concurrent sends. */
  static final int MAX_WAITING = 4_096;

  private final GroupCommit<Message, Boolean> commits;

  /** @param writers batches at the database at once */
  ReservationWriter(PendingMessageStore store, int writers, String name) {
    this.commits = new GroupCommit<>(name, writers, MAX_BATCH, MAX_WAITING,
        messages -> made(messages, store.reserveAll(messages)), store::reserve);
  }

  /**
   * Blocks until the reservation is committed.
   *
   * @return true when this call made the reservation, false when one existed already
   */
  boolean reserve(Message message) throws SQLException {
    return commits.write(message);
  }

  private static List<Boolean> made(List<Message> messages, Set<UUID> made) {
    List<Boolean> answers = new ArrayList<>(messages.size());
    messages.forEach(message -> answers.add(made.contains(message.id())));
    return answers;
  }

  /** Finishes the batches being written; sends still waiting are answered UNAVAILABLE. */
  @Override
  public void close() throws InterruptedException {
    commits.close();
  }
}
