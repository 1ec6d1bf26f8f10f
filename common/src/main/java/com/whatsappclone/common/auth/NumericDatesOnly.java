package com.whatsappclone.common.auth;

import io.jsonwebtoken.io.DeserializationException;
import io.jsonwebtoken.io.Deserializer;
import io.jsonwebtoken.jackson.io.JacksonDeserializer;
import java.io.Reader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON reader of {@link TokenManager}'s parser: jjwt's own Jackson reader, plus a check that
 * {@code exp}, {@code iat} and {@code nbf} are JSON numbers.
 *
 * <p>RFC 7519 says these are NumericDate values (JSON numbers), and golang-jwt, which the Go
 * original and its clients use, refuses anything else. jjwt is lenient: it turns the JSON string
 * {@code "1740823200"} or {@code "2025-03-01T10:00:00Z"} into a date. Only here, before jjwt turns
 * the values into {@link java.util.Date}s, is the JSON type still visible, so the check lives here;
 * the rest of the claim rules are in {@link TokenManager}.
 *
 * <p>It cannot simply throw: jjwt takes a payload it cannot read as JSON for a non-JSON content
 * payload and then reports "unsupported JWT", which would hide the reason. Instead the offending
 * value is replaced with a {@link NotANumber}, which jjwt's date conversion refuses as a malformed
 * claim ({@link io.jsonwebtoken.MalformedJwtException}, mapped to {@code MALFORMED}), with a
 * message that names the JSON type but never the value.
 */
final class NumericDatesOnly implements Deserializer<Map<String, ?>> {

  static final List<String> NUMERIC_DATE_CLAIMS = List.of("exp", "iat", "nbf");

  private final Deserializer<Map<String, ?>> json = new JacksonDeserializer<>();

  @Override
  @Deprecated
  public Map<String, ?> deserialize(byte[] bytes) throws DeserializationException {
    return checked(json.deserialize(bytes));
  }

  @Override
  public Map<String, ?> deserialize(Reader reader) throws DeserializationException {
    return checked(json.deserialize(reader));
  }

  /** The same reader serves the header, which has none of these names, and the claims. */
  private static Map<String, ?> checked(Map<String, ?> object) {
    if (object == null || NUMERIC_DATE_CLAIMS.stream().allMatch(name -> isNumberOrAbsent(object.get(name)))) {
      return object;
    }
    Map<String, Object> marked = new LinkedHashMap<>(object);
    for (String name : NUMERIC_DATE_CLAIMS) {
      Object value = marked.get(name);
      if (!isNumberOrAbsent(value)) {
        marked.put(name, new NotANumber(jsonType(value)));
      }
    }
    return marked;
  }

  private static boolean isNumberOrAbsent(Object value) {
    return value == null || value instanceof Number;
  }

  private static String jsonType(Object value) {
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Map) {
      return "object";
    }
    if (value instanceof List) {
      return "array";
    }
    return "non-number";
  }

  /** Stands in for a NumericDate claim that is not a JSON number; jjwt cannot make a date of it. */
  static final class NotANumber {
    private final String jsonType;

    NotANumber(String jsonType) {
      this.jsonType = jsonType;
    }

    /** jjwt quotes this in its error message. */
    @Override
    public String toString() {
      return "a JSON " + jsonType + " (a NumericDate must be a JSON number)";
    }
  }
}
