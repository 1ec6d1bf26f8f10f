package com.whatsappclone.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void everyProblemIsReportedTogetherNamingEachSetting() {
    Settings settings = Settings.of(Map.of("AUTH_SERVICE_GRPC_PORT", "http", "AUTH_DEV_MODE", "maybe"));

    settings.port("AUTH_SERVICE_GRPC_PORT", 50051);
    settings.flag("AUTH_DEV_MODE", false);
    settings.required("JWT_SECRET", "at least 32 bytes");

    assertThatThrownBy(settings::check)
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("AUTH_SERVICE_GRPC_PORT must be a whole number (got 'http')")
        .hasMessageContaining("AUTH_DEV_MODE must be true or false")
        .hasMessageContaining("JWT_SECRET is not set: at least 32 bytes");
  }

  @Test
  void portOutOfRangeIsAProblem() {
    Settings settings = Settings.of(Map.of("P", "70000"));

    assertThat(settings.port("P", 1)).isEqualTo(1);
    assertThat(settings.problems()).containsExactly("P must be between 0 and 65535 (got 70000)");
  }

  @Test
  void devModeAcceptsTrueAndOneAsTheOriginalDid() {
    assertThat(Settings.of(Map.of("AUTH_DEV_MODE", "1")).flag("AUTH_DEV_MODE", false)).isTrue();
    assertThat(Settings.of(Map.of("AUTH_DEV_MODE", "TRUE")).flag("AUTH_DEV_MODE", false)).isTrue();
    assertThat(Settings.of(Map.of()).flag("AUTH_DEV_MODE", false)).isFalse();
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    Settings settings = Settings.of(Map.of("A", "15m", "B", "7d", "C", "PT30S", "D", "soon"));

    assertThat(settings.duration("A", Duration.ZERO)).isEqualTo(Duration.ofMinutes(15));
    assertThat(settings.duration("B", Duration.ZERO)).isEqualTo(Duration.ofDays(7));
    assertThat(settings.duration("C", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.duration("D", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.problems()).singleElement().asString().contains("D must be a duration");
  }

  @Test
  void blankValueCountsAsMissing() {
    Settings settings = Settings.of(Map.of("TWILIO_AUTH_TOKEN", "  "));

    assertThat(settings.optional("TWILIO_AUTH_TOKEN")).isEmpty();
  }

  @Test
  void malformedDatabaseUrlIsReportedAtCheck() {
    Settings settings = Settings.of(Map.of("DATABASE_URL", "localhost:5432/db"));

    assertThat(settings.databaseUrl("DATABASE_URL")).isEmpty();
    assertThatThrownBy(settings::check).hasMessageContaining("DATABASE_URL must start with");
  }

  @Test
  void missingDatabaseUrlIsReportedAtCheck() {
    Settings settings = Settings.of(Map.of());

    assertThat(settings.databaseUrl("DATABASE_URL")).isEmpty();
    assertThatThrownBy(settings::check).hasMessageContaining("DATABASE_URL is not set");
  }

  @Test
  void overridesReplaceValuesAndKeepTheRest() {
    Settings settings = Settings.of(Map.of("DATABASE_URL", "postgres://u@a/db", "JWT_SECRET", "s"));

    Settings overridden = settings.withOverrides(Map.of("DATABASE_URL", "jdbc:postgresql://b/db"));

    assertThat(overridden.optional("DATABASE_URL")).contains("jdbc:postgresql://b/db");
    assertThat(overridden.optional("JWT_SECRET")).contains("s");
    assertThat(settings.optional("DATABASE_URL")).contains("postgres://u@a/db");
  }
}
