package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The TEST_DATABASE_URL path, exercised against the embedded server posing as an external one. */
class PostgresServerTest {

  @Test
  void externalServerTakesCredentialsFromTheUrlAndDropsItsDatabasesOnStop() throws Exception {
    TestDatabase admin = PostgresExtension.newDatabase();
    String url = admin.jdbcUrl() + "?user=" + admin.user() + "&password=" + admin.password();
    PostgresServer external = PostgresServer.external(url, JdbcUrls.user(url), JdbcUrls.password(url));

    TestDatabase created = external.createDatabase();
    assertThat(created.jdbcUrl()).endsWith("/" + created.name() + "?user=postgres&password=postgres");
    try (Connection connection = created.connect()) {
      assertThat(connection.getCatalog()).isEqualTo(created.name());
    }
    assertThat(databaseExists(admin, created.name())).isTrue();

    external.stop();

    assertThat(databaseExists(admin, created.name())).isFalse();
  }

  private static boolean databaseExists(TestDatabase admin, String name) throws SQLException {
    try (Connection connection = admin.connect();
        PreparedStatement query = connection.prepareStatement(
            "SELECT count(*) FROM pg_database WHERE datname = ?")) {
      query.setString(1, name);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1) == 1;
      }
    }
  }
}
