package com.whatsappclone.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand, so that expiry, rate-limit windows, token lifetimes and the times in
 * answers are tested exactly and without sleeping. The services take a {@link Clock}; tests pass
 * this one. UTC unless {@link #withZone} asks for another zone; clocks made that way move together.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  public MutableClock(Instant start) {
    this(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** The current time, whole seconds (JWTs carry whole seconds). */
  public static MutableClock startingNow() {
    return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  /** @return the new time */
  public Instant advance(Duration duration) {
    return now.updateAndGet(current -> current.plus(duration));
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same moving time seen in another zone: advancing either clock advances both. */
  @Override
  public Clock withZone(ZoneId otherZone) {
    return otherZone.equals(zone) ? this : new MutableClock(now, otherZone);
  }
}
