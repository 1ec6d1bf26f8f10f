package com.whatsappclone.common.auth;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnauthenticatedException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires {@code authorization: Bearer <access token>} on every non-public method and exposes the
 * caller through {@link AuthContext}.
 *
 * <p>It works in {@code interceptCall}, before any message is read, so one interceptor covers
 * unary and streaming calls alike (the Go original only had a unary interceptor, leaving streams
 * open). Rejected calls are closed with {@code UNAUTHENTICATED}; the handler never runs.
 *
 * <p>Given a {@link SessionRevocations}, it also refuses the tokens of revoked sessions
 * ({@value SessionRevocations#REVOKED_MESSAGE}); without one (the gateway, which has no database)
 * only the token itself is checked and the backends refuse revoked sessions.
 *
 * <p>A token it validated once is remembered ({@link AccessTokenCache}); expiry and revocation
 * are still checked on every call.
 */
public final class AuthInterceptor implements ServerInterceptor {

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger log = LoggerFactory.getLogger(AuthInterceptor.class);

  private final AccessTokenCache tokens;
  private final PublicMethods publicMethods;
  /** null: no revocation check */
  private final SessionRevocations revocations;

  /** AuthService, health and reflection are public; revoked sessions are not checked. */
  public AuthInterceptor(TokenManager tokens) {
    this(tokens, PublicMethods.defaults());
  }

  /** Revoked sessions are not checked. */
  public AuthInterceptor(TokenManager tokens, PublicMethods publicMethods) {
    this(tokens, publicMethods, null);
  }

  /** AuthService, health and reflection are public; tokens of revoked sessions are refused. */
  public AuthInterceptor(TokenManager tokens, SessionRevocations revocations) {
    this(tokens, PublicMethods.defaults(), Objects.requireNonNull(revocations, "revocations"));
  }

  /** @param revocations null to leave revoked sessions to the services behind (the gateway) */
  public AuthInterceptor(TokenManager tokens, PublicMethods publicMethods, SessionRevocations revocations) {
    this.tokens = new AccessTokenCache(Objects.requireNonNull(tokens, "tokens"),
        AccessTokenCache.DEFAULT_MAXIMUM_SIZE);
    this.publicMethods = Objects.requireNonNull(publicMethods, "publicMethods");
    this.revocations = revocations;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (publicMethods.isPublic(method)) {
      return next.startCall(call, headers);
    }
    Iterable<String> values = headers.getAll(AUTHORIZATION);
    if (values == null) {
      return reject(call, method, new UnauthenticatedException(Reasons.TOKEN_MISSING,
          "missing authorization metadata (expected 'Bearer <access token>')"));
    }
    String value = null;
    for (String v : values) {
      if (value != null) {
        // Two credentials are ambiguous; picking one could let a proxy's header win silently.
        return reject(call, method, new UnauthenticatedException(
            Reasons.TOKEN_INVALID, "more than one authorization metadata value"));
      }
      value = v;
    }
    Optional<String> token = BearerTokens.extract(value);
    if (token.isEmpty()) {
      return reject(call, method, new UnauthenticatedException(Reasons.TOKEN_INVALID,
          "authorization metadata must be 'Bearer <access token>'"));
    }
    TokenClaims claims;
    try {
      claims = tokens.validate(token.get());
    } catch (InvalidTokenException e) {
      // The message is made from the reason only; the cause may quote claims, so it stays out.
      return reject(call, method, e);
    }
    if (revocations != null && revocations.isRevoked(claims)) {
      return reject(call, method,
          new UnauthenticatedException(Reasons.SESSION_REVOKED, SessionRevocations.REVOKED_MESSAGE));
    }
    Context context = Context.current()
        .withValues(AuthContext.USER_ID, claims.userId(), AuthContext.CLAIMS, claims);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> reject(
      ServerCall<ReqT, RespT> call, String method, UnauthenticatedException refusal) {
    log.debug("rejected {}: {}", method, refusal.getMessage());
    call.close(refusal.toStatus(), refusal.toTrailers());
    return new ServerCall.Listener<>() {};
  }
}
