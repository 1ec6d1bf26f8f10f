package com.whatsappclone.common.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a service opened while starting, closed in reverse: by {@link #closeAfterFailure} when
 * start-up fails half way, or by the server's stop once it ran. Push each resource as soon as it
 * is open, so that nothing opened before a failure is left running.
 *
 * <p>Closing goes on past a failing resource: the first failure is kept and later ones are added to
 * it as suppressed, so one bad {@code close} does not leave the rest open.
 */
public final class Resources implements AutoCloseable {

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Registers {@code resource} to be closed before everything registered earlier; returns it. */
  public synchronized <T extends AutoCloseable> T push(T resource) {
    opened.push(resource);
    return resource;
  }

  /**
   * Registers an executor whose running tasks may finish: at close it takes no new tasks (pending
   * periodic ones are dropped), running ones get up to {@code timeout}, then they are interrupted.
   */
  public <T extends ExecutorService> T shutDownOnClose(T executor, Duration timeout) {
    push(() -> shutdown(executor, timeout));
    return executor;
  }

  /**
   * Registers an executor whose tasks stop when interrupted (cleanup passes, upkeep checks): at
   * close its running tasks are interrupted at once, then awaited for up to {@code timeout}.
   */
  public <T extends ExecutorService> T interruptOnClose(T executor, Duration timeout) {
    push(() -> interrupt(executor, timeout));
    return executor;
  }

  /** What a service's start-up does with its {@link Resources}. */
  @FunctionalInterface
  public interface Start<T> {
    T start(Resources resources);
  }

  /**
   * Runs {@code start} with a new {@link Resources}; if it throws, closes what it pushed (last
   * first) and rethrows, the close failures suppressed in the start-up failure. On success the
   * resources stay open: {@code start} hands them to whatever closes them later (the server's stop).
   */
  public static <T> T startOrClose(Start<T> start) {
    Resources resources = new Resources();
    try {
      return start.start(resources);
    } catch (RuntimeException e) {
      throw resources.closeAfterFailure(e);
    } catch (Error e) {
      throw resources.closeAfterFailure(e);
    }
  }

  /**
   * Closes everything, last pushed first, adds the close failures to {@code failure} as
   * suppressed and returns it, for {@code throw resources.closeAfterFailure(e)}.
   */
  public <E extends Throwable> E closeAfterFailure(E failure) {
    Exception closing = closeAll();
    if (closing != null) {
      failure.addSuppressed(closing);
      for (Throwable later : closing.getSuppressed()) {
        failure.addSuppressed(later);
      }
    }
    return failure;
  }

  /**
   * Closes everything, last pushed first; safe to call twice (the second call has nothing left).
   *
   * @throws Exception the first close failure, later ones suppressed in it
   */
  @Override
  public void close() throws Exception {
    Exception failure = closeAll();
    if (failure != null) {
      throw failure;
    }
  }

  /** The first close failure with later ones suppressed in it, or null. */
  private Exception closeAll() {
    Exception first = null;
    for (AutoCloseable resource = next(); resource != null; resource = next()) {
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    return first;
  }

  private synchronized AutoCloseable next() {
    return opened.poll();
  }

  /** See {@link #shutDownOnClose}. */
  public static void shutdown(ExecutorService executor, Duration timeout) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  /** See {@link #interruptOnClose}. */
  public static void interrupt(ExecutorService executor, Duration timeout) {
    executor.shutdownNow();
    try {
      executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
