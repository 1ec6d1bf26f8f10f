package com.whatsappclone.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * What sign-in counts (issue 19): codes sent and checked, token refreshes, each by how it ended,
 * and refusals by an abuse limit. Every meter is made here, once; counting is an array read.
 */
final class AuthMetrics {

  /** How a SendOTP ended: {@code auth.otp.sent{outcome}}. */
  enum OtpSent { SENT, RATE_LIMITED, PROVIDER_ERROR, INVALID }

  /** How a VerifyOTP ended: {@code auth.otp.verified{outcome}}. */
  enum OtpVerified { OK, WRONG_CODE, EXPIRED, RATE_LIMITED, PROVIDER_ERROR, INVALID }

  /** How a RefreshToken ended: {@code auth.tokens.refreshed{outcome}}. */
  enum Refreshed { OK, REUSED, REVOKED, INVALID }

  private final MeterRegistry registry;
  private final Counter[] otpSent;
  private final Counter[] otpVerified;
  private final Counter[] refreshed;

  AuthMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.otpSent = byOutcome(registry, "auth.otp.sent", "SendOTP calls by outcome", OtpSent.values());
    this.otpVerified = byOutcome(registry, "auth.otp.verified", "VerifyOTP calls by outcome",
        OtpVerified.values());
    this.refreshed = byOutcome(registry, "auth.tokens.refreshed", "RefreshToken calls by outcome",
        Refreshed.values());
  }

  void otpSent(OtpSent outcome) {
    otpSent[outcome.ordinal()].increment();
  }

  void otpVerified(OtpVerified outcome) {
    otpVerified[outcome.ordinal()].increment();
  }

  void refreshed(Refreshed outcome) {
    refreshed[outcome.ordinal()].increment();
  }

  /** The counter of refusals by {@code limit}; made once per limit, by whoever enforces it. */
  Counter refusedBy(RateLimit limit) {
    return Counter.builder("ratelimit.refused").description("Calls refused for a rate limit")
        .tag("limit", limit.name()).register(registry);
  }

  private static Counter[] byOutcome(MeterRegistry registry, String name, String description,
      Enum<?>[] outcomes) {
    Counter[] counters = new Counter[outcomes.length];
    for (Enum<?> outcome : outcomes) {
      counters[outcome.ordinal()] = Counter.builder(name).description(description)
          .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry);
    }
    return counters;
  }
}
