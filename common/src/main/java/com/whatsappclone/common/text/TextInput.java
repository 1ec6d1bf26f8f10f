package com.whatsappclone.common.text;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.Reasons;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one rule for free-text request fields, shared by every service (auth's display name and
 * about text, chat's group name and message content, status's text and caption).
 *
 * <ul>
 *   <li>Single-line text (names, ids): no control characters at all ({@link Character#isISOControl}:
 *       C0 including NUL, CR, LF, TAB and ESC, DEL, and C1). ESC starts terminal escape
 *       sequences in anything that prints the text (logs, admin consoles); CR/LF forge extra
 *       lines in lists and logs; PostgreSQL refuses NUL outright, which would otherwise surface
 *       as an INTERNAL error.
 *   <li>Multi-line text (messages, "about", captions): the same, except that LF, CR and TAB are
 *       allowed.
 * </ul>
 *
 * <p>Lengths count characters (code points), as PostgreSQL's {@code varchar(n)} does. Messages name
 * the field and never echo its value. Callers decide whether to trim: the checks here take the text
 * as given.
 */
public final class TextInput {

  public static final int MAX_URL_LENGTH = 2048;

  private TextInput() {}

  /** A one-line text of at most {@code max} characters; {@code null} is "". */
  public static String singleLine(String field, String value, int max) {
    String text = value == null ? "" : value;
    requireMaxLength(field, text, max);
    return singleLineCharacters(field, text);
  }

  /** Like {@link #singleLine} but line breaks and tabs are allowed (an "about" text, a message). */
  public static String multiLine(String field, String value, int max) {
    String text = value == null ? "" : value;
    requireMaxLength(field, text, max);
    return multiLineCharacters(field, text);
  }

  /**
   * The character rule of {@link #singleLine} alone, for a field whose length is limited otherwise
   * (e.g. in bytes); {@code null} is "".
   */
  public static String singleLineCharacters(String field, String value) {
    String text = value == null ? "" : value;
    if (text.codePoints().anyMatch(Character::isISOControl)) {
      throw new InvalidArgumentException(Reasons.INVALID_TEXT, field, "must not contain control characters");
    }
    return text;
  }

  /** The character rule of {@link #multiLine} alone; {@code null} is "". */
  public static String multiLineCharacters(String field, String value) {
    String text = value == null ? "" : value;
    if (text.codePoints().anyMatch(TextInput::isForbiddenInMultiLine)) {
      throw new InvalidArgumentException(Reasons.INVALID_TEXT, field,
          "must not contain control characters other than line breaks and tabs");
    }
    return text;
  }

  /** An absolute http:// or https:// URL with a host; "" stays "" (it clears the field). */
  public static String httpUrl(String field, String value) {
    String text = value == null ? "" : value;
    if (text.isEmpty()) {
      return text;
    }
    requireMaxLength(field, text, MAX_URL_LENGTH);
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(Reasons.INVALID_URL, field, "must be an http:// or https:// URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidArgumentException(Reasons.INVALID_URL, field, "must be an http:// or https:// URL");
    }
    return text;
  }

  private static boolean isForbiddenInMultiLine(int c) {
    return Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t';
  }

  private static void requireMaxLength(String field, String text, int max) {
    if (text.codePointCount(0, text.length()) > max) {
      throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, field, "must be at most " + max + " characters");
    }
  }
}
