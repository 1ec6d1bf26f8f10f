package com.whatsappclone.worker.push;

import java.util.Locale;
import java.util.Optional;

/** The provider that reaches a device: the values of {@code user_devices.push_platform}. */
public enum PushPlatform {
  FCM("fcm"),
  APNS("apns");

  private final String column;

  PushPlatform(String column) {
    this.column = column;
  }

  /** The value stored in {@code user_devices.push_platform}. */
  public String column() {
    return column;
  }

  public static Optional<PushPlatform> fromColumn(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String lower = value.toLowerCase(Locale.ROOT);
    for (PushPlatform platform : values()) {
      if (platform.column.equals(lower)) {
        return Optional.of(platform);
      }
    }
    return Optional.empty();
  }
}
