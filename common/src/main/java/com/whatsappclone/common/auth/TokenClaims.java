package com.whatsappclone.common.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The claims of a token that passed every check.
 *
 * @param userId the {@code sub} claim
 * @param type the {@code type} claim
 * @param jti the {@code jti} claim
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 */
public record TokenClaims(
    String userId, TokenType type, String jti, Instant issuedAt, Instant expiresAt) {

  public TokenClaims {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
