package com.whatsappclone.gateway;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.policy.RateLimitRule;
import com.whatsappclone.common.policy.RateLimits;
import com.whatsappclone.common.ratelimit.ClockTimeMeter;
import com.whatsappclone.common.ratelimit.KeyedBuckets;
import io.github.bucket4j.ConsumptionProbe;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Limits how many calls a client may start: per user for authenticated calls (runs after the
 * {@code AuthInterceptor}, which put the user there), per client IP for the rest (sign-in and token
 * calls). A call over the limit is closed with {@code RESOURCE_EXHAUSTED} and a
 * {@code google.rpc.RetryInfo} of when a token is back, before it reaches a backend. A stream counts as one call, however many messages it carries; the realtime service
 * judges what happens inside a stream.
 */
final class RateLimitInterceptor implements ServerInterceptor {

  private final KeyedBuckets perUser;
  private final KeyedBuckets perIp;
  private final Counter userRefused;
  private final Counter ipRefused;

  RateLimitInterceptor(LimitSettings limits, Clock clock, MeterRegistry metrics) {
    ClockTimeMeter time = new ClockTimeMeter(clock);
    this.perUser = new KeyedBuckets(limits.userRatePerSecond(), limits.userBurst(), time);
    this.perIp = new KeyedBuckets(limits.ipRatePerSecond(), limits.ipBurst(), time);
    this.userRefused = refused(metrics, RateLimits.GATEWAY_PER_USER);
    this.ipRefused = refused(metrics, RateLimits.GATEWAY_PER_ADDRESS);
  }

  private static Counter refused(MeterRegistry metrics, RateLimitRule rule) {
    return Counter.builder("ratelimit.refused").description("Calls refused for a rate limit")
        .tag("limit", rule.name()).register(metrics);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String user = AuthContext.userId().orElse(null);
    ConsumptionProbe probe = user != null
        ? perUser.tryConsume(user)
        : perIp.tryConsume(String.valueOf(ForwardedForInterceptor.CLIENT_IP.get()));
    if (probe.isConsumed()) {
      return next.startCall(call, headers);
    }
    (user != null ? userRefused : ipRefused).increment();
    long retryMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill()));
    String who = user != null ? "this user" : "this address";
    Duration retryAfter = Duration.ofNanos(Math.max(probe.getNanosToWaitForRefill(), 1_000_000));
    ResourceExhaustedException refusal = new ResourceExhaustedException(Reasons.RATE_LIMITED,
        "too many requests from " + who + "; retry in " + retryMillis + " ms", retryAfter);
    call.close(refusal.toStatus(), refusal.toTrailers());
    return new ServerCall.Listener<>() {};
  }
}
