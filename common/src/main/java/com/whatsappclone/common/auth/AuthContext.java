package com.whatsappclone.common.auth;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnauthenticatedException;
import io.grpc.Context;
import java.util.Optional;

/**
 * The authenticated caller of the current gRPC call, as put there by {@link AuthInterceptor}.
 *
 * <p>Handlers take the caller from here, never from a request field: the sender, author or caller
 * of every RPC is the token's user (docs/API.md, "Services and RPCs").
 */
public final class AuthContext {

  /** The user id ({@code sub} of the access token) of the current call. */
  public static final Context.Key<String> USER_ID = Context.key("whatsapp.auth.user-id");

  /** Every claim of the current call's access token (its session, expiry...). */
  public static final Context.Key<TokenClaims> CLAIMS = Context.key("whatsapp.auth.claims");

  private AuthContext() {}

  /** The caller's user id, or empty on a public method or outside an authenticated call. */
  public static Optional<String> userId() {
    return Optional.ofNullable(USER_ID.get());
  }

  /** The claims of the caller's access token, or empty on a public method or outside a call. */
  public static Optional<TokenClaims> claims() {
    return Optional.ofNullable(CLAIMS.get());
  }

  /**
   * The caller's user id.
   *
   * @throws UnauthenticatedException if the call is not authenticated, which happens only when a
   *     handler of a public method (or code outside a call) asks for a caller
   */
  public static String currentUserId() {
    return userId().orElseThrow(() -> new UnauthenticatedException(Reasons.TOKEN_MISSING, "no authenticated user"));
  }
}
