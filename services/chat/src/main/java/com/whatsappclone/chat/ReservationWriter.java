package com.whatsappclone.chat;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the reservations of concurrent sends in group commits: each writer thread takes every
 * reservation waiting and inserts them in one statement and one transaction, and each caller is
 * answered once that committed, as if it had inserted its own row. There is no added wait: while
 * one batch is at the database the next one gathers, so under load a commit serves many sends and
 * when idle a send is its own batch. (One INSERT and one commit per send was a quarter of the
 * server's statement time and one WAL flush per message.)
 *
 * <p>A batch the database refuses is tried again one reservation at a time, so a bad row (its
 * conversation deleted meanwhile) fails only its own send.
 */
final class ReservationWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReservationWriter.class);

  /** Rows per statement: beyond this a batch waits for the next round. */
  static final int MAX_BATCH = 256;
  /** Waiting reservations; never reached while chat's call executor bounds concurrent sends. */
  static final int MAX_WAITING = 4_096;
  private static final Duration RETRY_AFTER = Duration.ofMillis(200);

  private record Request(Message message, CompletableFuture<Boolean> made) {}

  private final PendingMessageStore store;
  private final BlockingQueue<Request> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param writers threads inserting at once: two keep one batch gathering while one commits
   *                and another waits for its WAL flush
   */
  ReservationWriter(PendingMessageStore store, int writers, String threadNamePrefix) {
    this.store = store;
    for (int i = 0; i < writers; i++) {
      Thread thread = new Thread(this::writeUntilClosed, threadNamePrefix + i);
      thread.setDaemon(true);
      this.writers.add(thread);
    }
    this.writers.forEach(Thread::start);
  }

  /**
   * Blocks until the reservation is committed.
   *
   * @return true when this call made the reservation, false when one existed already
   */
  boolean reserve(Message message) throws SQLException {
    if (closed) {
      throw new UnavailableException(Reasons.SERVER_OVERLOADED, "chat is shutting down, try again");
    }
    Request request = new Request(message, new CompletableFuture<>());
    if (!waiting.offer(request)) {
      throw new ResourceExhaustedException(Reasons.SERVER_OVERLOADED,
          "too many messages waiting for the database, try again", RETRY_AFTER);
    }
    if (closed) {
      failWaiting(); // the writers may have stopped before this request was queued
    }
    try {
      return request.made().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(Reasons.SERVER_OVERLOADED, "interrupted while reserving, try again");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("reservation failed", e.getCause());
    }
  }

  private void writeUntilClosed() {
    List<Request> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        Request first = waiting.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        waiting.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        // Never leave a caller waiting: whatever went wrong is its answer.
        batch.forEach(request -> request.made().completeExceptionally(e));
        log.error("reservation writer failed on a batch of {}", batch.size(), e);
      } finally {
        batch.clear();
      }
    }
    failWaiting();
  }

  private void write(List<Request> batch) {
    List<Message> messages = new ArrayList<>(batch.size());
    batch.forEach(request -> messages.add(request.message()));
    Set<UUID> made;
    try {
      made = store.reserveAll(messages);
    } catch (SQLException e) {
      if (batch.size() > 1) {
        writeOneByOne(batch);
      } else {
        batch.get(0).made().completeExceptionally(e);
      }
      return;
    }
    batch.forEach(request -> request.made().complete(made.contains(request.message().id())));
  }

  private void writeOneByOne(List<Request> batch) {
    for (Request request : batch) {
      try {
        request.made().complete(store.reserve(request.message()));
      } catch (SQLException | RuntimeException e) {
        request.made().completeExceptionally(e);
      }
    }
  }

  private void failWaiting() {
    Request request;
    while ((request = waiting.poll()) != null) {
      request.made().completeExceptionally(
          new UnavailableException(Reasons.SERVER_OVERLOADED, "chat is shutting down, try again"));
    }
  }

  /** Finishes the batches being written; callers still waiting are answered UNAVAILABLE. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    for (Thread writer : writers) {
      writer.join(Duration.ofSeconds(10).toMillis());
    }
    failWaiting();
  }
}
