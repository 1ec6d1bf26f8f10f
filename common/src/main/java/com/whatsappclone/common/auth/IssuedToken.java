package com.whatsappclone.common.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A freshly signed token with the facts the issuer needs to store or return.
 *
 * @param token the compact JWS, a bearer credential
 * @param jti the token's unique id ({@code jti} claim)
 * @param expiresAt the {@code exp} claim, whole seconds as written into the token
 */
public record IssuedToken(String token, String jti, Instant expiresAt) {

  public IssuedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Redacts the token: records print every component, and this one is a credential. */
  @Override
  public String toString() {
    return "IssuedToken[token=<redacted>, jti=" + jti + ", expiresAt=" + expiresAt + "]";
  }
}
