package com.whatsappclone.common.db;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes of concurrent callers in shared transactions: each writer thread takes every item
 * waiting (up to a batch), writes them with one {@link Batch} call (one statement, one commit),
 * and each caller is answered once that committed, as if it had written alone. There is no added
 * wait: while one batch is at the database the next one gathers, so under load a commit serves
 * many callers and when idle each is its own batch.
 *
 * <p>A batch the database refuses is written again one item at a time ({@link Single}), so that
 * a bad item fails only its own caller. Bounded: beyond {@code maxWaiting} items a caller is
 * refused at once with RESOURCE_EXHAUSTED and a retry delay.
 *
 * @param <T> what a caller writes
 * @param <R> what it is answered
 */
public final class GroupCommit<T, R> implements AutoCloseable {

  /** Writes many items in one transaction; one answer per item, in the same order. */
  @FunctionalInterface
  public interface Batch<T, R> {
    List<R> write(List<T> items) throws SQLException;
  }

  /** Writes one item on its own (the fallback after a refused batch). */
  @FunctionalInterface
  public interface Single<T, R> {
    R write(T item) throws SQLException;
  }

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
  private static final Duration RETRY_AFTER = Duration.ofMillis(200);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private record Request<T, R>(T item, CompletableFuture<R> answer) {}

  private final String what;
  private final int maxBatch;
  private final Batch<T, R> batch;
  private final Single<T, R> single;
  private final BlockingQueue<Request<T, R>> waiting;
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param what      what is written, for errors and thread names ("chat-reservations")
   * @param writers   threads writing at once: with two, one batch gathers while one commits and
   *                  another waits for its WAL flush
   */
  public GroupCommit(String what, int writers, int maxBatch, int maxWaiting, Batch<T, R> batch,
      Single<T, R> single) {
    if (writers < 1 || maxBatch < 1 || maxWaiting < 1) {
      throw new IllegalArgumentException("writers, maxBatch and maxWaiting must be positive");
    }
    this.what = Objects.requireNonNull(what, "what");
    this.maxBatch = maxBatch;
    this.batch = Objects.requireNonNull(batch, "batch");
    this.single = Objects.requireNonNull(single, "single");
    this.waiting = new ArrayBlockingQueue<>(maxWaiting);
    for (int i = 0; i < writers; i++) {
      Thread thread = new Thread(this::writeUntilClosed, what + "-writer-" + i);
      thread.setDaemon(true);
      this.writers.add(thread);
    }
    this.writers.forEach(Thread::start);
  }

  /** Blocks until the item is committed (or refused), then answers as {@link Batch} did for it. */
  public R write(T item) throws SQLException {
    if (closed) {
      throw shuttingDown();
    }
    Request<T, R> request = new Request<>(item, new CompletableFuture<>());
    if (!waiting.offer(request)) {
      throw new ResourceExhaustedException(Reasons.SERVER_OVERLOADED,
          "too many " + what + " waiting for the database, try again", RETRY_AFTER);
    }
    if (closed) {
      failWaiting(); // the writers may have stopped before this request was queued
    }
    try {
      return request.answer().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(Reasons.SERVER_OVERLOADED, "interrupted while writing " + what + ", try again");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("writing " + what + " failed", e.getCause());
    }
  }

  /** Items waiting for a writer (for tests and gauges). */
  int waiting() {
    return waiting.size();
  }

  private void writeUntilClosed() {
    List<Request<T, R>> requests = new ArrayList<>(maxBatch);
    while (!closed) {
      try {
        Request<T, R> first = waiting.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        requests.add(first);
        waiting.drainTo(requests, maxBatch - 1);
        write(requests);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        // Never leave a caller waiting: whatever went wrong is its answer.
        requests.forEach(request -> request.answer().completeExceptionally(e));
        log.error("writing a batch of {} {} failed", requests.size(), what, e);
      } finally {
        requests.clear();
      }
    }
    failWaiting();
  }

  private void write(List<Request<T, R>> requests) {
    List<T> items = new ArrayList<>(requests.size());
    requests.forEach(request -> items.add(request.item()));
    List<R> answers;
    try {
      answers = batch.write(items);
    } catch (SQLException e) {
      if (requests.size() == 1) {
        requests.get(0).answer().completeExceptionally(e);
      } else {
        requests.forEach(this::writeAlone);
      }
      return;
    }
    if (answers.size() != requests.size()) {
      throw new IllegalStateException(what + ": " + answers.size() + " answers for " + requests.size() + " items");
    }
    for (int i = 0; i < requests.size(); i++) {
      requests.get(i).answer().complete(answers.get(i));
    }
  }

  private void writeAlone(Request<T, R> request) {
    try {
      request.answer().complete(single.write(request.item()));
    } catch (SQLException | RuntimeException e) {
      request.answer().completeExceptionally(e);
    }
  }

  private void failWaiting() {
    Request<T, R> request;
    while ((request = waiting.poll()) != null) {
      request.answer().completeExceptionally(shuttingDown());
    }
  }

  private UnavailableException shuttingDown() {
    return new UnavailableException(Reasons.SERVER_OVERLOADED, "shutting down: " + what + " not written, try again");
  }

  /** Finishes the batches being written; callers still waiting are answered UNAVAILABLE. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    for (Thread writer : writers) {
      writer.join(STOP_WAIT.toMillis());
    }
    failWaiting();
  }
}
