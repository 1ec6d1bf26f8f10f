package com.whatsappclone.realtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The other realtime instances this one heard from on the realtime events topic
 * ({@code RealtimeInstanceAlive}): while there is none, nobody else can hold a device and the
 * fan-outs are not published at all.
 *
 * <p>A peer counts until it says goodbye or stays silent for {@value #MISSED_BEATS} of its
 * intervals. Right after start an instance assumes peers may exist, for {@link #SETTLE} (or its
 * interval, if shorter): a live peer answers a newcomer's announcement at once, and the newcomer
 * starts only once it read its own announcement back, so the answers of peers whose readers keep
 * up arrive well within that. A peer whose reader lags longer is still heard at its next
 * heartbeat; until then this instance's receipts, typing and presence miss that peer's devices
 * (the receipts are stored; typing and presence are momentary). Waiting a whole interval instead
 * (30 s by default) published every event of the first half-minute after each start.
 */
final class PeerInstances {

  static final int MISSED_BEATS = 3;
  /** How long after start "heard of none" is not yet taken as "there is none". */
  static final Duration SETTLE = Duration.ofSeconds(5);

  private final String self;
  private final Duration interval;
  private final Clock clock;
  private final Instant listeningUntil;
  private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
  private final CountDownLatch selfHeard = new CountDownLatch(1);

  /** @param interval how often this instance announces itself (REALTIME_PRESENCE_HEARTBEAT) */
  PeerInstances(String self, Duration interval, Clock clock) {
    this.self = self;
    this.interval = interval;
    this.clock = clock;
    this.listeningUntil = clock.instant().plus(interval.compareTo(SETTLE) < 0 ? interval : SETTLE);
  }

  String self() {
    return self;
  }

  Duration interval() {
    return interval;
  }

  /**
   * An announcement of {@code instanceId}, which beats every {@code theirInterval} (zero: unknown,
   * taken as ours).
   *
   * @return whether it was a peer this instance did not know (it should answer with its own)
   */
  boolean heard(String instanceId, Duration theirInterval) {
    if (self.equals(instanceId)) {
      selfHeard.countDown();
      return false;
    }
    Duration beat = theirInterval.isZero() || theirInterval.isNegative() ? interval : theirInterval;
    return expiries.put(instanceId, clock.instant().plus(beat.multipliedBy(MISSED_BEATS))) == null;
  }

  /** Its goodbye: it holds no device any more. */
  void left(String instanceId) {
    expiries.remove(instanceId);
  }

  /** Whether another instance may hold a device: publish the fan-outs. */
  boolean anyAlive() {
    Instant now = clock.instant();
    if (now.isBefore(listeningUntil)) {
      return true;
    }
    expiries.values().removeIf(expiry -> !expiry.isAfter(now));
    return !expiries.isEmpty();
  }

  /** The live peers heard from (tests). */
  int known() {
    Instant now = clock.instant();
    return (int) expiries.values().stream().filter(expiry -> expiry.isAfter(now)).count();
  }

  /** Waits until this instance read its own announcement back from the topic. */
  boolean awaitSelfHeard(Duration timeout) throws InterruptedException {
    return selfHeard.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
