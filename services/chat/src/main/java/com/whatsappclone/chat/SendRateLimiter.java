package com.whatsappclone.chat;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.policy.RateLimits;
import com.whatsappclone.common.ratelimit.ClockTimeMeter;
import com.whatsappclone.common.ratelimit.KeyedBuckets;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * One token bucket per sender ({@link KeyedBuckets}, Bucket4j), in memory: each chat instance
 * counts the sends it serves, so with N instances behind a balancer a user may send up to N times
 * the rate. That is enough to stop a flood (the gateway's per-user call limit caps the total too)
 * without a shared store on the send path.
 */
final class SendRateLimiter {

  private final SendLimitSettings limits;
  private final KeyedBuckets buckets;
  private final Counter refused;

  SendRateLimiter(SendLimitSettings limits, Clock clock, MeterRegistry metrics) {
    this.limits = limits;
    this.buckets = new KeyedBuckets(limits.ratePerSecond(), limits.burst(), new ClockTimeMeter(clock));
    this.refused = Counter.builder("ratelimit.refused").description("Calls refused for a rate limit")
        .tag("limit", RateLimits.CHAT_SEND_PER_USER.name()).register(metrics);
  }

  /**
   * Takes one send from {@code sender}'s allowance.
   *
   * @throws ResourceExhaustedException with the time until the next send is allowed (RetryInfo)
   */
  void acquire(UUID sender) {
    ConsumptionProbe probe = buckets.tryConsume(sender.toString());
    if (probe.isConsumed()) {
      return;
    }
    refused.increment();
    Duration wait = Duration.ofNanos(Math.max(probe.getNanosToWaitForRefill(), 1_000_000));
    long millis = Math.max(1, (wait.toNanos() + 999_999) / 1_000_000);
    throw new ResourceExhaustedException(Reasons.RATE_LIMITED, "sending too fast: at most " + limits.ratePerSecond()
        + " messages a second (bursts of " + limits.burst() + "); retry in " + millis + " ms", wait);
  }
}
