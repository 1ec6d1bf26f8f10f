package com.whatsappclone.chat;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for an asynchronous outcome by asking again until it holds or a generous limit passes. */
final class Eventually {

  static final Duration LIMIT = Duration.ofSeconds(60);
  private static final long PAUSE_MILLIS = 50;

  private Eventually() {}

  /** @return the first value that passes {@code done}; fails the test with {@code what} otherwise */
  static <T> T await(String what, Callable<T> probe, java.util.function.Predicate<T> done)
      throws Exception {
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
