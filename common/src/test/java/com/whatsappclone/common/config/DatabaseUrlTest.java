package com.whatsappclone.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void originalPostgresUrlBecomesJdbcUrlWithSeparateCredentials() {
    DatabaseUrl url = DatabaseUrl.parse(
        "postgres://user:Fbtex1967.@localhost:5432/whatsapp_clone_dev?sslmode=disable");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/whatsapp_clone_dev?sslmode=disable");
    assertThat(url.user()).isEqualTo("user");
    assertThat(url.password()).isEqualTo("Fbtex1967.");
  }

  @Test
  void postgresqlSchemeAndDefaultPortAreAccepted() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app@db.internal/chat");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal/chat");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isNull();
  }

  @Test
  void percentEncodedPasswordIsDecoded() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://u:p%40ss%3Aw+rd@h:5433/d");

    assertThat(url.password()).isEqualTo("p@ss:w+rd");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5433/d");
  }

  @Test
  void jdbcUrlIsPassedThroughUnchanged() {
    String jdbc = "jdbc:postgresql://localhost:5432/db?user=a&password=b";

    DatabaseUrl url = DatabaseUrl.parse(jdbc);

    assertThat(url.jdbcUrl()).isEqualTo(jdbc);
    assertThat(url.user()).isNull();
  }

  @Test
  void otherSchemesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:p@h/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DATABASE_URL")
        .hasMessageContaining("mysql");
  }

  @Test
  void urlWithoutDatabaseNameIsRefused() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:p@localhost:5432"))
        .hasMessageContaining("DATABASE_URL has no database name");
  }

  @Test
  void toStringNeverShowsThePassword() {
    assertThat(DatabaseUrl.parse("postgres://u:secret-pw@h/d").toString()).doesNotContain("secret-pw");
  }
}
