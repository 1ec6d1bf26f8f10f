package com.whatsappclone.auth;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.util.Locale;

/** user_devices.device_type: the values its CHECK constraint allows. */
enum DeviceType {
  MOBILE, WEB, DESKTOP;

  /** The stored and wire value. */
  String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type a client sent; empty means mobile, the original's only client.
   *
   * @throws InvalidArgumentException naming {@code field}
   */
  static DeviceType parse(String field, String raw) {
    if (raw == null || raw.isEmpty()) {
      return MOBILE;
    }
    for (DeviceType type : values()) {
      if (type.value().equalsIgnoreCase(raw)) {
        return type;
      }
    }
    throw new InvalidArgumentException("INVALID_DEVICE_TYPE", field, "must be one of mobile, web, desktop");
  }

  /** A stored value; rows written before this service may have none. */
  static DeviceType fromStored(String value) {
    return value == null ? MOBILE : parse("device_type", value);
  }
}
