package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {

  @Test
  void freshDatabaseRoundTripsARowThroughSql(TestDatabase db) throws SQLException {
    try (Connection connection = db.connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
      }
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO notes (id, body) VALUES (?, ?)")) {
        insert.setInt(1, 7);
        insert.setString(2, "héllo");
        assertThat(insert.executeUpdate()).isEqualTo(1);
      }
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT id, body FROM notes")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt("id")).isEqualTo(7);
        assertThat(rows.getString("body")).isEqualTo("héllo");
        assertThat(rows.next()).isFalse();
      }
      assertThat(connection.getCatalog()).isEqualTo(db.name());
    }
  }

  @Test
  void eachRequestedDatabaseIsANewEmptyOne(TestDatabase first, TestDatabase second)
      throws SQLException {
    assertThat(first.name()).isNotEqualTo(second.name());
    try (Connection connection = first.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE only_in_first (id int)");
    }
    assertThat(tableCount(second)).isZero();
    assertThat(tableCount(first)).isEqualTo(1);
  }

  @Test
  void staticAccessorCreatesDatabaseOnTheSameServer() throws SQLException {
    TestDatabase db = PostgresExtension.newDatabase();
    assertThat(tableCount(db)).isZero();
    assertThat(PostgresExtension.serverDescription()).isNotBlank();
  }

  @Test
  void freshDatabaseCanInstallUuidOsspForTheMigrations(TestDatabase db) throws SQLException {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"");
      try (ResultSet rows = statement.executeQuery("SELECT uuid_generate_v4()::text")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).matches("[0-9a-f-]{36}");
      }
    }
  }

  private static int tableCount(TestDatabase db) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
