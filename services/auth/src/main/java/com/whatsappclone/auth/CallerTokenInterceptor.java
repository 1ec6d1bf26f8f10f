package com.whatsappclone.auth;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.BearerTokens;
import com.whatsappclone.common.auth.InvalidTokenException;
import com.whatsappclone.common.auth.TokenManager;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;

/**
 * Exposes the jti of the caller's access token, which tells ListDevices which session is the
 * caller's own ({@code AuthContext} carries the user id only). Runs after {@link AuthInterceptor},
 * which has already refused calls without a valid token; this one never refuses anything.
 */
final class CallerTokenInterceptor implements ServerInterceptor {

  static final Context.Key<String> ACCESS_TOKEN_ID = Context.key("auth.access-token-jti");

  private final TokenManager tokens;

  CallerTokenInterceptor(TokenManager tokens) {
    this.tokens = tokens;
  }

  /** The jti of the current call's access token, when it has a valid one. */
  static Optional<String> current() {
    return Optional.ofNullable(ACCESS_TOKEN_ID.get());
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Optional<String> token = BearerTokens.extract(headers.get(AuthInterceptor.AUTHORIZATION));
    if (token.isEmpty()) {
      return next.startCall(call, headers);
    }
    String jti;
    try {
      jti = tokens.validateAccessToken(token.get()).jti();
    } catch (InvalidTokenException e) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(ACCESS_TOKEN_ID, jti), call, headers, next);
  }
}
