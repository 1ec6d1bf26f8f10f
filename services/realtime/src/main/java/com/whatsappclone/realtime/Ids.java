package com.whatsappclone.realtime;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.util.UUID;

/** Client-supplied ids, checked: a malformed one is INVALID_ARGUMENT naming the field. */
final class Ids {

  private Ids() {}

  static UUID parse(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidArgumentException(field, "is required");
    }
    try {
      UUID id = UUID.fromString(value.trim());
      // UUID.fromString accepts shortened forms such as "1-2-3-4-5"; only the canonical one is an id.
      if (!id.toString().equalsIgnoreCase(value.trim())) {
        throw new IllegalArgumentException("not canonical");
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(field, "must be a UUID");
    }
  }

  /** A Kafka key or stored value that should be a UUID; null when it is not one. */
  static UUID parseOrNull(String value) {
    try {
      return value == null ? null : parse("id", value);
    } catch (InvalidArgumentException e) {
      return null;
    }
  }
}
