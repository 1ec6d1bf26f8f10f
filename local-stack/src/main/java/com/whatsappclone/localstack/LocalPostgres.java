package com.whatsappclone.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL whose data survives restarts (under {@code .data/postgres}), serving the
 * role and database named in DATABASE_URL so the services connect exactly as they would to a real
 * server.
 */
final class LocalPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  private final EmbeddedPostgres postgres;

  private LocalPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static LocalPostgres start(Path dataDirectory, int port, String role, String password, String database)
      throws IOException, SQLException, InterruptedException {
    Files.createDirectories(dataDirectory);
    // A stack killed with kill -9 leaves its PostgreSQL running on this folder, which would
    // refuse a second server there (and hold the port).
    OrphanedPostgres.stopIfRunning(dataDirectory);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        // zonky turns these off for speed; a message the worker committed must survive a crash.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "200")
        // Preloaded so that CREATE EXTENSION pg_stat_statements (the bench creates it) shows which
        // statements the services run and what each costs; counting costs little next to them.
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        // Our own shutdown hook stops it after the services, so no orphan postgres is left.
        .setRegisterShutdownHook(false)
        .start();
    LocalPostgres local = new LocalPostgres(postgres);
    try {
      local.ensureRoleAndDatabase(role, password, database);
    } catch (SQLException e) {
      local.close();
      throw e;
    }
    log.info("embedded PostgreSQL on port {} (data in {})", port, dataDirectory);
    return local;
  }

  int port() {
    return postgres.getPort();
  }

  private void ensureRoleAndDatabase(String role, String password, String database) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("CREATE ROLE " + quoteIdentifier(role) + " WITH LOGIN SUPERUSER"
              + (password == null ? "" : " PASSWORD " + quoteLiteral(password)));
        }
      }
      if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("CREATE DATABASE " + quoteIdentifier(database) + " OWNER " + quoteIdentifier(role));
        }
      }
    }
  }

  private static boolean exists(Connection connection, String sql, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    log.info("embedded PostgreSQL stopped");
  }
}
