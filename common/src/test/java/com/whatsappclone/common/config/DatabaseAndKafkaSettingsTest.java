package com.whatsappclone.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.db.DatabaseConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseAndKafkaSettingsTest {

  @Test
  void originalDatabaseUrlBecomesPoolConfigWithDefaults() {
    Settings settings = Settings.of(Map.of(
        "DATABASE_URL", "postgres://user:password@localhost:5432/whatsapp_clone_dev?sslmode=disable"));

    DatabaseConfig config = DatabaseSettings.from(settings).orElseThrow();
    settings.check();

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/whatsapp_clone_dev?sslmode=disable");
    assertThat(config.user()).isEqualTo("user");
    assertThat(config.password()).isEqualTo("password");
    assertThat(config.maxPoolSize()).isEqualTo(DatabaseConfig.DEFAULT_MAX_POOL_SIZE);
    assertThat(config.migrateOnStart()).isTrue();
    assertThat(config.stallTimeout()).isEqualTo(DatabaseConfig.DEFAULT_STALL_TIMEOUT);
  }

  @Test
  void stallTimeoutIsReadAndOneTooShortToTellAStallFromAQueryIsRefused() {
    Settings set = Settings.of(Map.of("DATABASE_URL", "jdbc:postgresql://h/d", "DB_STALL_TIMEOUT", "1500ms"));
    assertThat(DatabaseSettings.from(set).orElseThrow().stallTimeout()).isEqualTo(Duration.ofMillis(1500));
    set.check();

    Settings tooShort = Settings.of(Map.of("DATABASE_URL", "jdbc:postgresql://h/d", "DB_STALL_TIMEOUT", "100ms"));
    DatabaseSettings.from(tooShort);
    assertThatThrownBy(tooShort::check).hasMessageContaining("DB_STALL_TIMEOUT must be at least 500ms");
  }

  @Test
  void migrationsCanBeTurnedOffAndPoolSized() {
    Settings settings = Settings.of(Map.of("DATABASE_URL", "jdbc:postgresql://h/d",
        "DB_MAX_POOL_SIZE", "4", "DB_MIGRATE_ON_START", "false"));

    DatabaseConfig config = DatabaseSettings.from(settings).orElseThrow();

    assertThat(config.maxPoolSize()).isEqualTo(4);
    assertThat(config.migrateOnStart()).isFalse();
  }

  @Test
  void kafkaBrokersMustBeHostPortPairs() {
    Settings settings = Settings.of(Map.of("KAFKA_BROKERS", "kafka:9092,broken"));

    KafkaSettings.brokers(settings);

    assertThatThrownBy(settings::check).hasMessageContaining("KAFKA_BROKERS must be host:port");
  }

  @Test
  void missingKafkaBrokersAreNamed() {
    Settings settings = Settings.of(Map.of());

    KafkaSettings.brokers(settings);

    assertThatThrownBy(settings::check).hasMessageContaining("KAFKA_BROKERS is not set");
  }

  @Test
  void validBrokerListPasses() {
    Settings settings = Settings.of(Map.of("KAFKA_BROKERS", "a:9092, b:9093"));

    assertThat(KafkaSettings.brokers(settings)).isEqualTo("a:9092, b:9093");
    settings.check();
  }
}
