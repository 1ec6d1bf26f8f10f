package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

  @Test
  void withDatabaseReplacesOnlyTheDatabaseAndKeepsParameters() {
    assertThat(JdbcUrls.withDatabase(
        "jdbc:postgresql://db.local:5433/app?sslmode=disable&user=u&password=p", "test_1"))
        .isEqualTo("jdbc:postgresql://db.local:5433/test_1?sslmode=disable&user=u&password=p");
    assertThat(JdbcUrls.withDatabase("jdbc:postgresql://localhost:5432", "x"))
        .isEqualTo("jdbc:postgresql://localhost:5432/x");
  }

  @Test
  void credentialsAreReadFromTheQuery() {
    String url = "jdbc:postgresql://h:1/app?user=alice&password=s%40cret";
    assertThat(JdbcUrls.user(url)).isEqualTo("alice");
    assertThat(JdbcUrls.password(url)).isEqualTo("s@cret");
    assertThat(JdbcUrls.databaseName(url)).isEqualTo("app");
  }

  @Test
  void nonPostgresUrlIsRejectedWithoutEchoingItsPassword() {
    assertThatThrownBy(() -> JdbcUrls.withDatabase("jdbc:mysql://h/db?password=secret", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql://host:port/database")
        .hasMessageNotContaining("secret");
  }
}
