package com.whatsappclone.chat;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.util.UUID;
import java.util.regex.Pattern;

/** Parses ids from requests; only the canonical 8-4-4-4-12 hex form is a UUID here. */
final class Ids {

  private static final Pattern CANONICAL_UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Ids() {}

  /** @throws InvalidArgumentException naming {@code field} when empty or not a UUID */
  static UUID parse(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException(field, "is required");
    }
    if (!CANONICAL_UUID.matcher(value).matches()) {
      throw new InvalidArgumentException(field, "must be a UUID");
    }
    return UUID.fromString(value);
  }
}
