package com.whatsappclone.testing;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names no other test in this JVM (or an earlier run against the same external server) uses:
 * tests share one broker and one PostgreSQL server, so they isolate by name, never by restarting.
 */
public final class UniqueNames {

  private static final AtomicLong COUNTER = new AtomicLong();

  private UniqueNames() {}

  /**
   * {@code prefix-<n>-<8 random hex>}: the counter keeps names readable in logs, the random part
   * keeps them unique across JVMs that share an external server. Valid as a Kafka topic, group or
   * client id as long as the prefix is (letters, digits, '.', '_', '-').
   */
  public static String of(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Like {@link #of} but a valid unquoted SQL identifier: lower case, digits and '_'. */
  static String sqlIdentifier(String prefix) {
    return (prefix + "_" + COUNTER.incrementAndGet() + "_"
        + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(java.util.Locale.ROOT);
  }
}
