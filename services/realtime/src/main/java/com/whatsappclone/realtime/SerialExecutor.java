package com.whatsappclone.realtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's tasks one at a time, in submission order, on the shared worker pool:
 * frames of one client are handled in the order it sent them (typing on, then off), while
 * different clients proceed in parallel. Client frames are bounded per connection (acks and read
 * receipts are not frames of the inbox: they wait, coalesced, in the session's
 * {@link PendingReceipts}); lifecycle tasks (connect, catch-up, disconnect) are not, there are
 * only a few of them.
 */
final class SerialExecutor {

  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final int frameLimit;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private int pendingFrames;
  private boolean running;

  SerialExecutor(Executor pool, int frameLimit) {
    this.pool = pool;
    this.frameLimit = frameLimit;
  }

  /**
   * Queues a client frame's work.
   *
   * @return {@code false} when this connection already has {@code frameLimit} frames waiting
   * @throws RejectedExecutionException when the shared pool is saturated
   */
  boolean submitFrame(Runnable frameWork) {
    if (!reserveFrame()) {
      return false;
    }
    try {
      submit(() -> {
        try {
          frameWork.run();
        } finally {
          frameDone();
        }
      });
    } catch (RejectedExecutionException e) {
      frameDone();
      throw e;
    }
    return true;
  }

  /**
   * Queues lifecycle work.
   *
   * @throws RejectedExecutionException when the shared pool is saturated
   */
  void submit(Runnable task) {
    boolean start;
    synchronized (this) {
      tasks.add(task);
      start = !running;
      running = true;
    }
    if (start) {
      try {
        pool.execute(this::runAll);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          tasks.remove(task);
          running = false;
        }
        throw e;
      }
    }
  }

  private synchronized boolean reserveFrame() {
    if (pendingFrames >= frameLimit) {
      return false;
    }
    pendingFrames++;
    return true;
  }

  private synchronized void frameDone() {
    pendingFrames--;
  }

  private void runAll() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        // The task reports its own failures to the client; this only keeps the queue going.
        log.error("connection task failed", e);
      }
    }
  }
}
