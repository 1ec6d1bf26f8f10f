package com.whatsappclone.common.auth;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The gRPC methods that need no token.
 *
 * <p>A pattern is either a full method name ({@code auth.AuthService/SendOTP}) or ends in
 * {@code *} and matches every full method name starting with what precedes it
 * ({@code auth.AuthService/*}, {@code grpc.reflection.*}).
 */
public final class PublicMethods {

  /**
   * The original's six AuthService RPCs are public by contract (API.md); RPCs added to AuthService
   * later (GetMe, ListDevices...) act on the caller and need a token, so they are not listed.
   * Health checks and server reflection work without a token so that load balancers, Postman and
   * grpcurl can discover and probe services.
   */
  public static final Set<String> DEFAULT_PATTERNS = Set.of(
      "auth.AuthService/SendOTP",
      "auth.AuthService/VerifyOTP",
      "auth.AuthService/ValidateToken",
      "auth.AuthService/RefreshToken",
      "auth.AuthService/RevokeCurrentDevice",
      "auth.AuthService/LogoutAllDevices",
      "grpc.health.v1.Health/*",
      "grpc.reflection.*");

  private final List<String> exact;
  private final List<String> prefixes;

  public PublicMethods(Set<String> patterns) {
    Objects.requireNonNull(patterns, "patterns");
    for (String p : patterns) {
      if (p == null || p.isBlank() || p.equals("*")) {
        // A lone "*" would silently switch authentication off for every method.
        throw new IllegalArgumentException("invalid public method pattern: '" + p + "'");
      }
    }
    this.exact = patterns.stream().filter(p -> !p.endsWith("*")).toList();
    this.prefixes = patterns.stream()
        .filter(p -> p.endsWith("*"))
        .map(p -> p.substring(0, p.length() - 1))
        .toList();
  }

  public static PublicMethods defaults() {
    return new PublicMethods(DEFAULT_PATTERNS);
  }

  public boolean isPublic(String fullMethodName) {
    if (fullMethodName == null) {
      return false;
    }
    return exact.contains(fullMethodName)
        || prefixes.stream().anyMatch(fullMethodName::startsWith);
  }
}
