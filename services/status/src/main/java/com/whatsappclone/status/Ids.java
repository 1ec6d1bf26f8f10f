package com.whatsappclone.status;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.UnauthenticatedException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Request ids: canonical UUIDs, checked before they reach SQL. */
final class Ids {

  // UUID.fromString alone accepts oddities such as "1-2-3-4-5"; ids are 36-character UUIDs.
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Ids() {}

  /**
   * The authenticated caller's id (the token's subject). Tokens are ours, so a subject that is not
   * a user id means a token this service cannot act for, not a client's typo.
   */
  static UUID caller(String subject) {
    if (subject == null || !CANONICAL.matcher(subject).matches()) {
      throw new UnauthenticatedException("the access token does not name a user");
    }
    return UUID.fromString(subject);
  }

  /** @throws InvalidArgumentException naming {@code field} when the value is empty or not a UUID */
  static UUID required(String field, String value) {
    return optional(field, value)
        .orElseThrow(() -> new InvalidArgumentException(field, "is required"));
  }

  /** Empty when the value is empty; @throws InvalidArgumentException when it is not a UUID */
  static Optional<UUID> optional(String field, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String trimmed = value.strip();
    if (!CANONICAL.matcher(trimmed).matches()) {
      throw new InvalidArgumentException(field, "must be a UUID");
    }
    return Optional.of(UUID.fromString(trimmed));
  }
}
