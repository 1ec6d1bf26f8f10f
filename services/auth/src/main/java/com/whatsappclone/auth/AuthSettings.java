package com.whatsappclone.auth;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.policy.Caps;
import com.whatsappclone.common.policy.RateLimitRule;
import com.whatsappclone.common.policy.RateLimits;
import com.whatsappclone.common.net.ClientAddressInterceptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The auth service's own settings (besides port, database and JWT), read and checked together.
 *
 * @param twilio present unless dev mode is on
 */
record AuthSettings(
    boolean devMode,
    Optional<TwilioSettings> twilio,
    RateLimit sendOtpPerPhone,
    RateLimit sendOtpPerIp,
    RateLimit failedVerifyPerPhone,
    int maxSessionsPerUser,
    Duration rateLimitCleanupInterval,
    RateLimit contactDiscoveryPerUser) {

  static final String DEV_MODE = "AUTH_DEV_MODE";
  static final String TWILIO_ACCOUNT_SID = "TWILIO_ACCOUNT_SID";
  static final String TWILIO_AUTH_TOKEN = "TWILIO_AUTH_TOKEN";
  static final String TWILIO_VERIFY_SERVICE_SID = "TWILIO_VERIFY_SERVICE_SID";
  static final String TWILIO_API_BASE_URL = "TWILIO_API_BASE_URL";
  static final String TWILIO_TIMEOUT = "TWILIO_TIMEOUT";
  /**
   * No longer read: auth believes a client address only when the gateway signed it (see
   * {@link ClientAddressInterceptor}); a peer's address no longer makes it trusted.
   */
  static final String RETIRED_TRUSTED_PROXIES = "AUTH_TRUSTED_PROXIES";

  /** Reads every auth setting; problems are recorded in {@code settings} for its check(). */
  static AuthSettings from(Settings settings) {
    boolean devMode = settings.flag(DEV_MODE, false);
    Optional<TwilioSettings> twilio = devMode ? Optional.empty() : Optional.of(twilio(settings));
    RateLimit perPhone = limit(settings, RateLimits.SEND_OTP_PER_PHONE);
    RateLimit perIp = limit(settings, RateLimits.SEND_OTP_PER_ADDRESS);
    RateLimit failedVerify = limit(settings, RateLimits.FAILED_VERIFY_PER_PHONE);
    int maxSessions = Caps.SESSIONS_PER_USER.read(settings);
    Duration cleanup = settings.positive("AUTH_RATE_LIMIT_CLEANUP_INTERVAL", Duration.ofMinutes(15));
    RateLimit discovery = limit(settings, RateLimits.CONTACT_DISCOVERY_PER_USER);
    return new AuthSettings(devMode, twilio, perPhone, perIp, failedVerify, maxSessions, cleanup, discovery);
  }

  private static TwilioSettings twilio(Settings settings) {
    Optional<String> accountSid = settings.optional(TWILIO_ACCOUNT_SID);
    Optional<String> authToken = settings.optional(TWILIO_AUTH_TOKEN);
    Optional<String> serviceSid = settings.optional(TWILIO_VERIFY_SERVICE_SID);
    List<String> missing = new ArrayList<>();
    accountSid.ifPresentOrElse(v -> { }, () -> missing.add(TWILIO_ACCOUNT_SID));
    authToken.ifPresentOrElse(v -> { }, () -> missing.add(TWILIO_AUTH_TOKEN));
    serviceSid.ifPresentOrElse(v -> { }, () -> missing.add(TWILIO_VERIFY_SERVICE_SID));
    if (!missing.isEmpty()) {
      // One problem with one hint: the three come together from the Twilio console.
      settings.reportProblem(String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
          + " not set: SMS codes are sent with Twilio Verify unless " + DEV_MODE + " is on. Set "
          + TWILIO_ACCOUNT_SID + ", " + TWILIO_AUTH_TOKEN + " and " + TWILIO_VERIFY_SERVICE_SID
          + " (Twilio console), or set " + DEV_MODE + "=true to run without Twilio (the only accepted code is then "
          + DevModeOtpVerifier.CODE + ")");
    }
    Optional<URI> baseUrl = settings.optional(TWILIO_API_BASE_URL).flatMap(raw -> baseUrl(settings, raw));
    Duration timeout = settings.positive(TWILIO_TIMEOUT, Duration.ofSeconds(10));
    return new TwilioSettings(accountSid.orElse(""), authToken.orElse(""), serviceSid.orElse(""), baseUrl, timeout);
  }

  private static Optional<URI> baseUrl(Settings settings, String raw) {
    try {
      URI uri = new URI(raw);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    settings.reportProblem(TWILIO_API_BASE_URL + " must be an http:// or https:// URL (got '" + raw + "')");
    return Optional.empty();
  }

  /** The policy's windowed limit with its settings applied. */
  private static RateLimit limit(Settings settings, RateLimitRule rule) {
    Duration window = settings.positive(rule.refillSetting(), rule.refillPeriod());
    return new RateLimit(rule.name(), rule.capacity(settings), window);
  }
}
