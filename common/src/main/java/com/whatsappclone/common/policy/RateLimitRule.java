package com.whatsappclone.common.policy;

import com.whatsappclone.common.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * A rate limit declared as data: a bucket of {@code capacity} uses per key, refilled with
 * {@code refillTokens} every {@code refillPeriod}, either gradually ({@link Refill#GRADUAL}, a
 * token bucket that trickles back) or all at once when the window ends ({@link Refill#WINDOW}).
 *
 * @param name            a stable name (auth keys its stored state by it: never rename those)
 * @param countedPer      the key ("user", "client address", "phone number")
 * @param capacity        the default bucket size (the burst)
 * @param capacitySetting the setting that overrides {@code capacity} (configs/README.md)
 * @param capacityMax     the largest capacity a setting may give
 * @param refillTokens    the default tokens put back per {@code refillPeriod}
 * @param refillPeriod    the default period
 * @param refillSetting   the setting that overrides the refill: for {@link Refill#GRADUAL} the
 *                        tokens a second, for {@link Refill#WINDOW} the window's length
 * @param refillMax       the largest tokens a second a setting may give ({@link Refill#GRADUAL})
 */
public record RateLimitRule(String name, String countedPer, int capacity, String capacitySetting,
    int capacityMax, int refillTokens, Duration refillPeriod, String refillSetting, int refillMax,
    Refill refill) {

  /** How used tokens come back. */
  public enum Refill {
    /** Continuously, {@code refillTokens} per {@code refillPeriod} (Bucket4j's greedy refill). */
    GRADUAL,
    /** The whole capacity at once, {@code refillPeriod} after a key's first use in its window. */
    WINDOW
  }

  public RateLimitRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(refillPeriod, "refillPeriod");
    Objects.requireNonNull(refill, "refill");
  }

  /** A token bucket: {@code perSecond} tokens a second, up to {@code burst} saved up. */
  static RateLimitRule perSecond(String name, String countedPer, int perSecond, String rateSetting,
      int rateMax, int burst, String burstSetting, int burstMax) {
    return new RateLimitRule(name, countedPer, burst, burstSetting, burstMax, perSecond,
        Duration.ofSeconds(1), rateSetting, rateMax, Refill.GRADUAL);
  }

  /** {@code limit} uses per window of {@code window}, set by {@code <prefix>_LIMIT} and {@code <prefix>_PERIOD}. */
  static RateLimitRule perWindow(String name, String countedPer, int limit, Duration window, String prefix) {
    return new RateLimitRule(name, countedPer, limit, prefix + "_LIMIT", 1_000_000, limit, window,
        prefix + "_PERIOD", 0, Refill.WINDOW);
  }

  /** The capacity in force. */
  public int capacity(Settings settings) {
    return settings.integer(capacitySetting, capacity, 1, capacityMax);
  }

  /** The tokens a second in force, for a {@link Refill#GRADUAL} limit. */
  public int refillPerSecond(Settings settings) {
    if (refill != Refill.GRADUAL || !refillPeriod.equals(Duration.ofSeconds(1))) {
      throw new IllegalStateException(name + " does not refill per second");
    }
    return settings.integer(refillSetting, refillTokens, 1, refillMax);
  }
}
