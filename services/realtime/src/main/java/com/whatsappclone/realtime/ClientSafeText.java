package com.whatsappclone.realtime;

import java.util.regex.Pattern;

/**
 * Turns a parser's exception message into text a client may see. protobuf's JSON parser passes on
 * Gson's messages, which start with the Gson exception's class name
 * ({@code com.google.gson.stream.MalformedJsonException: Unterminated object at line 1 column 9})
 * and end with a link to Gson's troubleshooting guide; what is left says where the JSON broke.
 */
final class ClientSafeText {

  static final int MAX_LENGTH = 200;

  /** A qualified Java class name such as {@code java.io.EOFException}, with a following colon. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("(?:[A-Za-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable)\\b:?\\s*");
  private static final Pattern TROUBLESHOOTING_LINK = Pattern.compile("\\s*See https?://\\S+");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Cf}]+");

  private ClientSafeText() {}

  /** The message without class names, links or control characters, at most {@value #MAX_LENGTH} chars. */
  static String of(Throwable error, String fallback) {
    String message = error.getMessage();
    if (message == null) {
      return fallback;
    }
    String text = CLASS_NAME.matcher(message).replaceAll("");
    text = TROUBLESHOOTING_LINK.matcher(text).replaceAll("");
    text = CONTROL.matcher(text).replaceAll(" ").strip();
    if (text.isEmpty()) {
      return fallback;
    }
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "…" : text;
  }
}
