package com.whatsappclone.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class DatabaseTest {

  @Test
  void startWithMigrateOnStartLeavesTheSchemaCurrent(TestDatabase db) throws SQLException {
    try (Database database = Database.start(config(db), "start-test")) {
      assertThat(Migrations.migrate(database.dataSource())).isZero();
      assertThat(query(database, "SELECT count(*) FROM users")).isEqualTo("0");
      assertThat(query(database, "SELECT current_setting('application_name')"))
          .isEqualTo("start-test");
    }
  }

  @Test
  void startWithoutMigrateOnStartLeavesTheDatabaseEmpty(TestDatabase db) throws SQLException {
    try (Database database = Database.start(config(db).withMigrateOnStart(false))) {
      assertThat(query(database,
          "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
          .isEqualTo("0");
    }
  }

  @Test
  void startFailsWhenNoDatabaseListens() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    DatabaseConfig config = DatabaseConfig.of(
        "jdbc:postgresql://127.0.0.1:" + deadPort + "/nothing", "postgres", "postgres");
    assertThatThrownBy(() -> Database.start(config))
        .hasMessageContaining("Connection to 127.0.0.1:" + deadPort + " refused");
  }

  @Test
  void configRejectsAnythingButAJdbcPostgresUrlWithoutEchoingIt() {
    assertThatThrownBy(() -> DatabaseConfig.of("postgres://u:secret@h/db", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> DatabaseConfig.of("jdbc:postgresql://h/db", "u", "p").withMaxPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPoolSize");
  }

  @Test
  void configToStringHidesPasswords() {
    DatabaseConfig config = DatabaseConfig.of("jdbc:postgresql://h/db?password=in-url", "u", "secret");
    assertThat(config.toString()).doesNotContain("secret").doesNotContain("in-url").contains("h/db");
  }

  private static DatabaseConfig config(TestDatabase db) {
    return DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()).withMaxPoolSize(2);
  }

  private static String query(Database database, String sql) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet row = s.executeQuery(sql)) {
      assertThat(row.next()).isTrue();
      return row.getString(1);
    }
  }
}
