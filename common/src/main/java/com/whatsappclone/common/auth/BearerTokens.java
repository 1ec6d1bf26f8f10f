package com.whatsappclone.common.auth;

import java.util.Optional;

/**
 * Reads the token out of an {@code authorization} value of the form {@code Bearer <token>}.
 *
 * <p>The scheme is case-insensitive (RFC 7235) and surrounding whitespace is tolerated because
 * hand-written Postman/grpcurl headers often carry it. Shared by gRPC metadata and the WebSocket
 * handshake, which use the same header.
 */
public final class BearerTokens {

  private static final String SCHEME = "bearer";

  private BearerTokens() {}

  /** The token, or empty if the value is missing, uses another scheme or has no token. */
  public static Optional<String> extract(String authorizationValue) {
    if (authorizationValue == null) {
      return Optional.empty();
    }
    String value = authorizationValue.strip();
    if (value.length() <= SCHEME.length()
        || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !Character.isWhitespace(value.charAt(SCHEME.length()))) {
      return Optional.empty();
    }
    String token = value.substring(SCHEME.length()).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
