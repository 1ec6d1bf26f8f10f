package com.whatsappclone.common.text;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnauthenticatedException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Ids from requests, tokens and records: canonical 8-4-4-4-12 hex UUIDs, checked before they reach
 * SQL ({@link UUID#fromString} alone would accept oddities such as "1-2-3-4-5"). In a request field
 * surrounding whitespace is ignored.
 */
public final class Ids {

  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Ids() {}

  /** @throws InvalidArgumentException naming {@code field} when empty or not a UUID */
  public static UUID parse(String field, String raw) {
    return parse(field, raw, null);
  }

  /**
   * Like {@link #parse(String, String)}, the refusal ending with {@code (hint)}, e.g. where such
   * an id comes from.
   */
  public static UUID parse(String field, String raw, String hint) {
    String suffix = hint == null ? "" : " (" + hint + ")";
    return optional(field, raw, suffix)
        .orElseThrow(() -> new InvalidArgumentException(Reasons.FIELD_REQUIRED, field, "is required" + suffix));
  }

  /** Empty when the field is empty; @throws InvalidArgumentException when it is not a UUID */
  public static Optional<UUID> optional(String field, String raw) {
    return optional(field, raw, "");
  }

  /**
   * The authenticated caller's id (the token's subject). Tokens are ours, so a subject that is not
   * a user id means a token this service cannot act for, not a client's typo: UNAUTHENTICATED.
   */
  public static UUID caller(String subject) {
    return tryParse(subject).orElseThrow(() ->
        new UnauthenticatedException(Reasons.TOKEN_SUBJECT_INVALID, "the access token does not name a user"));
  }

  /**
   * A stored value, token claim or Kafka key that should be a UUID, exactly (our own programs wrote
   * it: no whitespace is ignored); empty when it is not one.
   */
  public static Optional<UUID> tryParse(String raw) {
    return raw != null && CANONICAL.matcher(raw).matches() ? Optional.of(UUID.fromString(raw)) : Optional.empty();
  }

  private static Optional<UUID> optional(String field, String raw, String suffix) {
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(tryParse(raw.strip()).orElseThrow(() ->
        new InvalidArgumentException(Reasons.INVALID_ID, field, "must be a UUID" + suffix)));
  }
}
