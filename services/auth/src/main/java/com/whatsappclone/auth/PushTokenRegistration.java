package com.whatsappclone.auth;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.Reasons;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A valid RegisterPushToken request: {@link #parse} checks each field and names the one at fault.
 *
 * @param token the provider's token (an APNs token in lowercase hex); never logged, see
 *     {@link #toString()}
 * @param apnsTopic empty for the deployment's default topic (and always for FCM)
 */
record PushTokenRegistration(DevicePush.Platform platform, String token, Optional<String> apnsTopic,
    boolean apnsSandbox) {

  /** Reasons only RegisterPushToken gives (common/README.md, "Errors"). */
  static final String INVALID_PUSH_PLATFORM = "INVALID_PUSH_PLATFORM";
  static final String INVALID_PUSH_TOKEN = "INVALID_PUSH_TOKEN";
  static final String INVALID_APNS_TOPIC = "INVALID_APNS_TOPIC";
  static final String APNS_FIELD_NOT_ALLOWED = "APNS_FIELD_NOT_ALLOWED";

  /** FCM tokens are about 160 characters today; the bound keeps a row and a provider call small. */
  static final int MAX_TOKEN = 4096;
  /** The column is varchar(255). */
  static final int MAX_APNS_TOPIC = 255;

  /** APNs device tokens are 32 bytes today; Apple says not to rely on that, so up to 100 bytes. */
  private static final Pattern APNS_TOKEN = Pattern.compile("(?:[0-9a-fA-F]{2}){32,100}");
  /** A bundle id (dot-separated letters, digits and hyphens), e.g. com.example.chat or its .voip topic. */
  private static final Pattern APNS_TOPIC = Pattern.compile("[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");

  PushTokenRegistration {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(apnsTopic, "apnsTopic");
  }

  /**
   * @param platformNumber the request's PushPlatform number (1 FCM, 2 APNs; anything else refused)
   * @param rawTopic "" when not given
   */
  static PushTokenRegistration parse(int platformNumber, String rawToken, String rawTopic, boolean apnsSandbox) {
    DevicePush.Platform platform = switch (platformNumber) {
      case com.whatsappclone.proto.auth.PushPlatform.PUSH_PLATFORM_FCM_VALUE -> DevicePush.Platform.FCM;
      case com.whatsappclone.proto.auth.PushPlatform.PUSH_PLATFORM_APNS_VALUE -> DevicePush.Platform.APNS;
      default -> throw new InvalidArgumentException(INVALID_PUSH_PLATFORM, "platform",
          "must be PUSH_PLATFORM_FCM or PUSH_PLATFORM_APNS");
    };
    String token = token(platform, rawToken == null ? "" : rawToken);
    String topic = rawTopic == null ? "" : rawTopic;
    if (platform == DevicePush.Platform.FCM) {
      if (!topic.isEmpty()) {
        throw new InvalidArgumentException(APNS_FIELD_NOT_ALLOWED, "apns_topic", "is for APNs only, not FCM");
      }
      if (apnsSandbox) {
        throw new InvalidArgumentException(APNS_FIELD_NOT_ALLOWED, "apns_sandbox", "is for APNs only, not FCM");
      }
      return new PushTokenRegistration(platform, token, Optional.empty(), false);
    }
    if (topic.length() > MAX_APNS_TOPIC) {
      throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "apns_topic",
          "must be at most " + MAX_APNS_TOPIC + " characters");
    }
    if (!topic.isEmpty() && !APNS_TOPIC.matcher(topic).matches()) {
      throw new InvalidArgumentException(INVALID_APNS_TOPIC, "apns_topic",
          "must be the app's bundle id (letters, digits, hyphens and dots, e.g. com.example.chat)");
    }
    return new PushTokenRegistration(platform, token, topic.isEmpty() ? Optional.empty() : Optional.of(topic),
        apnsSandbox);
  }

  /** The messages never echo the token: it is a credential for pushing to the device. */
  private static String token(DevicePush.Platform platform, String token) {
    if (token.isEmpty()) {
      throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "token", "is required");
    }
    if (token.length() > MAX_TOKEN) {
      throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "token", "must be at most " + MAX_TOKEN + " characters");
    }
    if (token.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidArgumentException(Reasons.INVALID_TEXT, "token", "must not contain control characters");
    }
    // Tokens go into provider URLs and headers: visible ASCII only, which refuses every kind of space.
    if (token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new InvalidArgumentException(INVALID_PUSH_TOKEN, "token",
          "must not contain whitespace or characters outside visible ASCII");
    }
    if (platform == DevicePush.Platform.APNS) {
      if (!APNS_TOKEN.matcher(token).matches()) {
        throw new InvalidArgumentException(INVALID_PUSH_TOKEN, "token",
            "an APNs device token must be 64 to 200 hex digits (an even number)");
      }
      // One spelling, so that the same device's token is recognised on another session.
      return token.toLowerCase(Locale.ROOT);
    }
    return token;
  }

  @Override
  public String toString() {
    return "PushTokenRegistration[platform=" + platform + ", apnsTopic=" + apnsTopic.orElse("") + ", apnsSandbox="
        + apnsSandbox + ", token=<redacted>]";
  }
}
