package com.whatsappclone.realtime;

/**
 * Measures how deeply a JSON text nests arrays and objects, without parsing it.
 *
 * <p>protobuf's JSON parser (through Gson) recurses once per level, so a 20 KB frame of ten thousand
 * {@code [} overflows the decoder thread's stack; Java-WebSocket treats that StackOverflowError as
 * fatal and stops the whole server. Frames are therefore measured first, in one pass with no
 * recursion, and refused when they nest deeper than any ClientEvent can.
 */
final class JsonNesting {

  private JsonNesting() {}

  /**
   * {@code true} when {@code json} nests arrays and objects more than {@code limit} levels deep.
   * Brackets inside strings do not count; malformed JSON is left to the parser to describe.
   */
  static boolean exceeds(CharSequence json, int limit) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0, n = json.length(); i < n; i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++; // the escaped character cannot end the string
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > limit) {
          return true;
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return false;
  }
}
