package com.whatsappclone.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {

  @Test
  void shortSecretStopsStartUpWithAMessageNamingJwtSecret() {
    Settings settings = Settings.of(Map.of("JWT_SECRET", "too-short"));

    JwtSettings.from(settings);

    assertThatThrownBy(settings::check).hasMessageContaining("JWT_SECRET must be at least 32 bytes (got 9)");
  }

  @Test
  void lifetimesDefaultToFifteenMinutesAndSevenDays() {
    Settings settings = Settings.of(Map.of("JWT_SECRET", "0123456789abcdef0123456789abcdef"));

    JwtSettings jwt = JwtSettings.from(settings);
    settings.check();

    assertThat(jwt.accessTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(jwt.refreshTtl()).isEqualTo(Duration.ofDays(7));
    assertThat(jwt.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void configuredLifetimesReachTheTokenManager() {
    Settings settings = Settings.of(Map.of("JWT_SECRET", "0123456789abcdef0123456789abcdef",
        "JWT_ACCESS_TTL", "5m", "JWT_REFRESH_TTL", "1d"));

    var tokens = JwtSettings.from(settings).tokenManager(Clock.systemUTC());

    assertThat(tokens.accessTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(tokens.refreshTtl()).isEqualTo(Duration.ofDays(1));
  }
}
