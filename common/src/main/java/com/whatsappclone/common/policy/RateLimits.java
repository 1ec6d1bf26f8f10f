package com.whatsappclone.common.policy;

import java.time.Duration;
import java.util.List;

/**
 * Every rate limit of the system, declared once: who enforces it is in each constant's comment.
 * A limit over its allowance answers {@code RESOURCE_EXHAUSTED} with a {@code google.rpc.RetryInfo}
 * (a WebSocket handshake: HTTP 429 with {@code Retry-After}); docs/API.md, "Limits".
 */
public final class RateLimits {

  /** Gateway: calls a signed-in user may start (a stream counts as one call). */
  public static final RateLimitRule GATEWAY_PER_USER = RateLimitRule.perSecond("gateway_user", "user",
      100, "GATEWAY_USER_RATE_PER_SECOND", 1_000_000, 500, "GATEWAY_USER_BURST", 10_000_000);

  /** Gateway: calls without a token (sign-in, token calls) per client address; a NAT hides many people. */
  public static final RateLimitRule GATEWAY_PER_ADDRESS = RateLimitRule.perSecond("gateway_ip", "client address",
      50, "GATEWAY_IP_RATE_PER_SECOND", 1_000_000, 200, "GATEWAY_IP_BURST", 10_000_000);

  /** Chat: SendMessage per sender, far above typing speed or an outbox replay; per chat instance. */
  public static final RateLimitRule CHAT_SEND_PER_USER = RateLimitRule.perSecond("chat_send", "user",
      20, "CHAT_SEND_RATE_PER_SECOND", 1_000_000, 60, "CHAT_SEND_BURST", 10_000_000);

  /** Realtime: WebSocket handshakes per address, checked before the token so a flood costs little. */
  public static final RateLimitRule WEBSOCKET_HANDSHAKES_PER_ADDRESS = RateLimitRule.perSecond(
      "websocket_handshakes", "client address", 20, "HANDSHAKES_PER_ADDRESS_PER_SECOND", 10_000_000,
      200, "HANDSHAKE_BURST_PER_ADDRESS", 10_000_000);

  /** Auth: SendOTP per phone number (each one costs an SMS); stored in auth_rate_limits. */
  public static final RateLimitRule SEND_OTP_PER_PHONE = RateLimitRule.perWindow("send_otp_phone",
      "phone number", 3, Duration.ofMinutes(10), "AUTH_SEND_OTP_PHONE");

  /** Auth: SendOTP per client address (one sender cycling through numbers). */
  public static final RateLimitRule SEND_OTP_PER_ADDRESS = RateLimitRule.perWindow("send_otp_ip",
      "client address", 20, Duration.ofHours(1), "AUTH_SEND_OTP_IP");

  /** Auth: wrong codes per phone number, so a code cannot be guessed. */
  public static final RateLimitRule FAILED_VERIFY_PER_PHONE = RateLimitRule.perWindow("verify_otp_failures",
      "phone number", 5, Duration.ofMinutes(10), "AUTH_VERIFY_OTP_FAILURES");

  /**
   * Auth: phone numbers a user may look up per window in SyncContacts / UpdateContacts that are not
   * in their address book yet (numbers already stored cost nothing, so a daily re-sync is free);
   * bounds how fast one account can test which numbers are registered. In auth_rate_limits.
   */
  public static final RateLimitRule CONTACT_DISCOVERY_PER_USER = RateLimitRule.perWindow("contact_discovery",
      "user", 10_000, Duration.ofDays(1), "AUTH_CONTACT_DISCOVERY");

  public static final List<RateLimitRule> ALL = List.of(GATEWAY_PER_USER, GATEWAY_PER_ADDRESS,
      CHAT_SEND_PER_USER, WEBSOCKET_HANDSHAKES_PER_ADDRESS, SEND_OTP_PER_PHONE, SEND_OTP_PER_ADDRESS,
      FAILED_VERIFY_PER_PHONE, CONTACT_DISCOVERY_PER_USER);

  private RateLimits() {
  }
}
