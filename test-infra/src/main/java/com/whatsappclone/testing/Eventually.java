package com.whatsappclone.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for an asynchronous outcome (a Kafka consumer caught up, a server serving) by asking again
 * until it holds or a generous limit passes, instead of sleeping for a guessed time.
 */
public final class Eventually {

  public static final Duration LIMIT = Duration.ofSeconds(60);
  private static final long PAUSE_MILLIS = 50;

  private Eventually() {}

  /** @return the first value that passes {@code done}; fails the test with {@code what} otherwise */
  public static <T> T await(String what, Callable<T> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    T last = probe.call();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + LIMIT + " waiting for " + what + "; last: " + last);
      }
      Thread.sleep(PAUSE_MILLIS);
      last = probe.call();
    }
    return last;
  }
}
