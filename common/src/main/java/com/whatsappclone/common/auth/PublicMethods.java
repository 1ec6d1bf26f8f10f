package com.whatsappclone.common.auth;

import com.whatsappclone.common.policy.PublicRpcs;
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

  /** The policy's public methods and services ({@link PublicRpcs#PATTERNS}). */
  public static final Set<String> DEFAULT_PATTERNS = Set.copyOf(PublicRpcs.PATTERNS);

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
