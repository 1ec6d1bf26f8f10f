package com.whatsappclone.auth;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A device session's push registration as it may be shown: everything but the token, which is
 * never answered back or logged.
 *
 * @param apnsTopic the app's bundle id for APNs; empty for the deployment's default
 * @param registeredAt when RegisterPushToken last set it
 */
record DevicePush(Platform platform, Optional<String> apnsTopic, boolean apnsSandbox, Instant registeredAt) {

  /** The values of {@code user_devices.push_platform}. */
  enum Platform {
    FCM("fcm"),
    APNS("apns");

    private final String column;

    Platform(String column) {
      this.column = column;
    }

    String column() {
      return column;
    }

    /** The stored value; empty for none or one this code does not know. */
    static Optional<Platform> fromColumn(String value) {
      if (value == null) {
        return Optional.empty();
      }
      String lower = value.toLowerCase(Locale.ROOT);
      for (Platform platform : values()) {
        if (platform.column.equals(lower)) {
          return Optional.of(platform);
        }
      }
      return Optional.empty();
    }
  }

  DevicePush {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(apnsTopic, "apnsTopic");
    Objects.requireNonNull(registeredAt, "registeredAt");
  }
}
