package com.whatsappclone.common.text;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one way a time goes on the wire: RFC 3339 in UTC with as many fraction digits as needed and
 * at most microseconds, PostgreSQL's precision ({@code 2024-05-01T10:15:30.123456Z}), so that a
 * time answered at once and the same time read back from the database are the same text.
 */
public final class Timestamps {

  private Timestamps() {}

  /** {@code instant} in RFC 3339; "" for a time never set (proto3 strings cannot be null). */
  public static String format(Instant instant) {
    return instant == null ? "" : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MICROS));
  }
}
