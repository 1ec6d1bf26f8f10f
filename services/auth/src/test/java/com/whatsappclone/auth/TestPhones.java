package com.whatsappclone.auth;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh, valid phone numbers (Turkish mobile +90 532 ...), one per test user. */
final class TestPhones {

  private static final int BASE = ThreadLocalRandom.current().nextInt(1_000_000, 8_000_000);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestPhones() {}

  static String next() {
    return "+90532" + (BASE + COUNTER.incrementAndGet());
  }
}
