package com.whatsappclone.common.config;

import com.whatsappclone.common.auth.TokenManager;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** JWT_SECRET, JWT_ACCESS_TTL and JWT_REFRESH_TTL, read and checked together. */
public record JwtSettings(String secret, Duration accessTtl, Duration refreshTtl) {

  public static JwtSettings from(Settings settings) {
    String secret = settings.required("JWT_SECRET", "the HS256 secret shared by all services, at least "
        + TokenManager.MIN_SECRET_BYTES + " bytes");
    if (!secret.isEmpty() && secret.getBytes(StandardCharsets.UTF_8).length < TokenManager.MIN_SECRET_BYTES) {
      settings.reportProblem("JWT_SECRET must be at least " + TokenManager.MIN_SECRET_BYTES
          + " bytes (got " + secret.getBytes(StandardCharsets.UTF_8).length + ")");
    }
    Duration access = settings.duration("JWT_ACCESS_TTL", TokenManager.DEFAULT_ACCESS_TTL);
    Duration refresh = settings.duration("JWT_REFRESH_TTL", TokenManager.DEFAULT_REFRESH_TTL);
    return new JwtSettings(secret, access, refresh);
  }

  public TokenManager tokenManager(Clock clock) {
    return new TokenManager(secret, accessTtl, refreshTtl, clock);
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "JwtSettings[accessTtl=" + accessTtl + ", refreshTtl=" + refreshTtl + "]";
  }
}
