package com.whatsappclone.common.auth;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnauthenticatedException;
import java.util.Objects;

/**
 * A token failed validation. It is an {@link UnauthenticatedException} so that an RPC which lets it
 * escape answers {@code UNAUTHENTICATED}.
 *
 * <p>The message is built only from the {@link Reason} and the expected token type, never from the
 * token, so it is safe to log and to show to the client. The cause, when present, is the JWT
 * library's exception; it may quote header or claim values (never the compact token), so log it
 * only at debug level.
 */
public final class InvalidTokenException extends UnauthenticatedException {
  private static final long serialVersionUID = 1L;

  /** Why a token was refused. */
  public enum Reason {
    MALFORMED("malformed token"),
    UNSUPPORTED_ALGORITHM("unsupported signing algorithm, only HS256 is accepted"),
    BAD_SIGNATURE("signature does not verify"),
    EXPIRED("token expired"),
    WRONG_TYPE("wrong token type"),
    WRONG_ISSUER("wrong issuer"),
    WRONG_AUDIENCE("wrong audience"),
    MISSING_CLAIM("missing required claim"),
    ISSUED_IN_THE_FUTURE("issued in the future"),
    LIFETIME_TOO_LONG("lifetime longer than this system issues");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final Reason reason;

  InvalidTokenException(TokenType expected, Reason reason) {
    super(errorReasonOf(reason), message(expected, reason));
    this.reason = reason;
  }

  InvalidTokenException(TokenType expected, Reason reason, Throwable cause) {
    super(errorReasonOf(reason), message(expected, reason), cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The ErrorInfo reason: an expired token is renewed with the refresh token, others are not. */
  private static String errorReasonOf(Reason reason) {
    return reason == Reason.EXPIRED ? Reasons.TOKEN_EXPIRED : Reasons.TOKEN_INVALID;
  }

  private static String message(TokenType expected, Reason reason) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(reason, "reason");
    return "invalid " + expected.claimValue() + " token: " + reason.description();
  }
}
