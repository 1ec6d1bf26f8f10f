package com.whatsappclone.auth;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks of free-text request fields. Lengths count characters (code points), as PostgreSQL's
 * {@code varchar(n)} does. Messages name the field and never echo its value.
 */
final class TextInput {

  static final int MAX_URL_LENGTH = 2048;

  private TextInput() {}

  /**
   * A one-line text of at most {@code max} characters: no control characters (PostgreSQL also
   * refuses NUL outright, which would otherwise surface as an INTERNAL error).
   */
  static String singleLine(String field, String value, int max) {
    String text = value == null ? "" : value;
    requireMaxLength(field, text, max);
    if (text.codePoints().anyMatch(Character::isISOControl)) {
      throw new InvalidArgumentException(field, "must not contain control characters");
    }
    return text;
  }

  /** Like {@link #singleLine} but line breaks and tabs are allowed (an "about" text). */
  static String multiLine(String field, String value, int max) {
    String text = value == null ? "" : value;
    requireMaxLength(field, text, max);
    if (text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
      throw new InvalidArgumentException(field, "must not contain control characters other than line breaks and tabs");
    }
    return text;
  }

  /** An absolute http:// or https:// URL with a host; "" stays "" (it clears the field). */
  static String httpUrl(String field, String value) {
    String text = value == null ? "" : value;
    if (text.isEmpty()) {
      return text;
    }
    requireMaxLength(field, text, MAX_URL_LENGTH);
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(field, "must be an http:// or https:// URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidArgumentException(field, "must be an http:// or https:// URL");
    }
    return text;
  }

  private static void requireMaxLength(String field, String text, int max) {
    if (text.codePointCount(0, text.length()) > max) {
      throw new InvalidArgumentException(field, "must be at most " + max + " characters");
    }
  }
}
