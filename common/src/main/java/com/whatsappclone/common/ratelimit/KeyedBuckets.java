package com.whatsappclone.common.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per key (user id or IP address), in memory: {@code ratePerSecond} tokens a
 * second, up to {@code burst} saved up.
 *
 * <p>The map stays small without a cache library: a bucket left alone for as long as it takes to
 * refill completely is full, exactly like a new one, so it can be dropped without changing any
 * answer. A sweep every such period drops those; the map holds only the keys active in about the
 * last two periods (5 to 10 seconds with the defaults).
 */
public final class KeyedBuckets {

  private final long refillTokens;
  private final Duration refillPeriod;
  private final long burst;
  private final TimeMeter time;
  private final long idleNanos;
  private final Map<String, Entry> buckets = new ConcurrentHashMap<>();
  private final AtomicLong lastSweepNanos;

  public KeyedBuckets(long ratePerSecond, long burst, TimeMeter time) {
    this(ratePerSecond, Duration.ofSeconds(1), burst, time);
  }

  /** {@code refillTokens} every {@code refillPeriod} (e.g. 10 a minute), up to {@code burst} saved up. */
  public KeyedBuckets(long refillTokens, Duration refillPeriod, long burst, TimeMeter time) {
    this.refillTokens = refillTokens;
    this.refillPeriod = refillPeriod;
    this.burst = burst;
    this.time = time;
    // Time to refill from empty, rounded up, plus a second for safety.
    this.idleNanos = refillPeriod.toNanos() * ((burst + refillTokens - 1) / refillTokens)
        + TimeUnit.SECONDS.toNanos(1);
    this.lastSweepNanos = new AtomicLong(time.currentTimeNanos());
  }

  /** Takes one token from the key's bucket if it has one. */
  public ConsumptionProbe tryConsume(String key) {
    long now = time.currentTimeNanos();
    sweepIfDue(now);
    Entry entry = buckets.computeIfAbsent(key, k -> new Entry(newBucket()));
    entry.lastUsedNanos = now;
    return entry.bucket.tryConsumeAndReturnRemaining(1);
  }

  /** How many keys are tracked (for tests of the eviction). */
  int size() {
    return buckets.size();
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(refillTokens, refillPeriod))
        .withCustomTimePrecision(time)
        .build();
  }

  private void sweepIfDue(long now) {
    long last = lastSweepNanos.get();
    if (now - last < idleNanos || !lastSweepNanos.compareAndSet(last, now)) {
      return;
    }
    // A call racing with the sweep may get back the one token it took from a full bucket: harmless.
    buckets.entrySet().removeIf(e -> now - e.getValue().lastUsedNanos >= idleNanos);
  }

  private static final class Entry {
    final Bucket bucket;
    volatile long lastUsedNanos;

    Entry(Bucket bucket) {
      this.bucket = bucket;
    }
  }
}
