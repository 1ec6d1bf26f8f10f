package com.whatsappclone.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A clock tests move by hand, so that expiry, rate-limit windows, token lifetimes and the times in
 * answers are tested exactly and without sleeping. The services take a {@link Clock}; tests pass
 * this one. Always UTC.
 */
public final class MutableClock extends Clock {

  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  /** The current time, whole seconds (JWTs carry whole seconds). */
  public static MutableClock startingNow() {
    return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  /** @return the new time */
  public Instant advance(Duration duration) {
    now = now.plus(duration);
    return now;
  }

  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("tests use UTC only");
  }
}
