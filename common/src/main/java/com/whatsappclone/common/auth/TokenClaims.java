package com.whatsappclone.common.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of a token that passed every check.
 *
 * @param userId the {@code sub} claim
 * @param type the {@code type} claim
 * @param jti the {@code jti} claim
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 * @param sessionId the {@code sid} claim: the id of the session (user_devices row) the token was
 *     issued for; empty for tokens without it (those of the Go original, issued with the same
 *     secret, and tokens issued before this claim existed), which stay valid
 */
public record TokenClaims(
    String userId, TokenType type, String jti, Instant issuedAt, Instant expiresAt,
    Optional<String> sessionId) {

  public TokenClaims {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(sessionId, "sessionId");
  }

  /** Claims of a token without {@code sid}. */
  public TokenClaims(String userId, TokenType type, String jti, Instant issuedAt, Instant expiresAt) {
    this(userId, type, jti, issuedAt, expiresAt, Optional.empty());
  }
}
