package com.whatsappclone.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * One abuse limit, declared as data: at most {@code capacity} uses per key within a window of
 * {@code period}. A key's window starts at its first use and the whole allowance comes back when
 * the window ends (a token bucket refilled in one step per period).
 *
 * @param name the limit's name in the auth_rate_limits table; keep it stable, state is keyed by it
 */
record RateLimit(String name, int capacity, Duration period) {

  RateLimit {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(period, "period");
    if (capacity < 1) {
      throw new IllegalArgumentException(name + ": capacity must be at least 1, got " + capacity);
    }
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException(name + ": period must be positive, got " + period);
    }
  }
}
