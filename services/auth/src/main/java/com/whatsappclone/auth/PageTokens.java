package com.whatsappclone.auth;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque page tokens of ListContacts and ListBlockedUsers: where the previous page ended,
 * base64url-encoded. Clients pass them back unchanged; anything else is INVALID_ARGUMENT.
 */
final class PageTokens {

  static final String INVALID_PAGE_TOKEN = "INVALID_PAGE_TOKEN";
  static final String FIELD = "page_token";

  /** 9999-12-31T23:59:59Z in microseconds since the epoch. */
  private static final long MAX_MICROS = 253_402_300_799_000_000L;

  private PageTokens() {}

  static String ofNumber(String e164) {
    return encode("n:" + e164);
  }

  /** The number a contacts token ends at; null for "" (the first page). */
  static String number(String token) {
    if (token.isEmpty()) {
      return null;
    }
    String text = decode(token);
    if (!text.startsWith("n:") || !PhoneNumbers.E164.matcher(text.substring(2)).matches()) {
      throw invalid();
    }
    return text.substring(2);
  }

  static String ofBlock(BlockStore.Block block) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, block.blockedAt());
    return encode("b:" + micros + ":" + block.blocked());
  }

  /** Where a blocks token ends; null for "" (the first page). */
  static BlockStore.Cursor block(String token) {
    if (token.isEmpty()) {
      return null;
    }
    String[] parts = decode(token).split(":", 3);
    if (parts.length != 3 || !parts[0].equals("b")) {
      throw invalid();
    }
    long micros;
    UUID blocked;
    try {
      micros = Long.parseLong(parts[1]);
      blocked = UUID.fromString(parts[2]);
    } catch (RuntimeException e) {
      throw invalid();
    }
    // Within what a timestamptz holds, so that a forged token is refused here, not by PostgreSQL.
    if (micros < 0 || micros > MAX_MICROS) {
      throw invalid();
    }
    return new BlockStore.Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), blocked);
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    if (token.length() > 200) {
      throw invalid();
    }
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  private static InvalidArgumentException invalid() {
    return new InvalidArgumentException(INVALID_PAGE_TOKEN, FIELD, "is not a next_page_token this RPC answered");
  }
}
