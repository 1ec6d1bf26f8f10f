package com.whatsappclone.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running PostgreSQL server on which tests create their own databases: embedded (default),
 * external ({@code TEST_DATABASE_URL}) or a Testcontainers container ({@code TESTCONTAINERS=true}).
 */
final class PostgresServer implements Stoppable {

  private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

  private final String description;
  private final String adminUrl;
  private final String user;
  private final String password;
  private final Stoppable owner;
  /** Only on a server we don't own do the test databases need dropping: ours vanish with it. */
  private final boolean dropDatabasesOnClose;
  private final List<String> created = new ArrayList<>();

  PostgresServer(String description, String adminUrl, String user, String password,
      Stoppable owner, boolean dropDatabasesOnClose) {
    this.description = description;
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.owner = owner;
    this.dropDatabasesOnClose = dropDatabasesOnClose;
  }

  /** Picks the server the environment asks for and starts it if it is ours to start. */
  static PostgresServer start() {
    String externalUrl = TestEnv.get(TestEnv.DATABASE_URL);
    if (externalUrl != null) {
      return external(externalUrl);
    }
    if (TestEnv.useTestcontainers()) {
      return ContainerServers.startPostgres();
    }
    return embedded();
  }

  private static PostgresServer external(String url) {
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new IllegalStateException(TestEnv.DATABASE_URL
          + " must be a jdbc:postgresql://host:port/database URL, got: " + JdbcUrls.redact(url));
    }
    return external(url,
        TestEnv.getOrDefault(TestEnv.DATABASE_USER, JdbcUrls.user(url)),
        TestEnv.getOrDefault(TestEnv.DATABASE_PASSWORD, JdbcUrls.password(url)));
  }

  /** An existing server: databases are created in it through {@code url} and dropped on stop. */
  static PostgresServer external(String url, String user, String password) {
    PostgresServer server = new PostgresServer("external PostgreSQL " + JdbcUrls.redact(url),
        url, user, password, () -> { }, true);
    server.checkReachable();
    return server;
  }

  private static PostgresServer embedded() {
    long started = System.nanoTime();
    EmbeddedPostgres pg;
    try {
      pg = EmbeddedPostgres.builder()
          // Durability is worthless for throw-away test data; these make CREATE DATABASE and
          // every commit much cheaper.
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          // Every test class may open a pool per database; the default 100 runs out.
          .setServerConfig("max_connections", "500")
          .setPGStartupWait(Duration.ofSeconds(60))
          .setRegisterShutdownHook(false)
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start (set "
          + TestEnv.DATABASE_URL + " to use an existing server instead): " + e.getMessage(), e);
    }
    String adminUrl = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    log.info("embedded PostgreSQL started on port {} in {} ms", pg.getPort(),
        (System.nanoTime() - started) / 1_000_000);
    // The embedded server trusts local connections: the password is never checked.
    return new PostgresServer("embedded PostgreSQL on port " + pg.getPort(), adminUrl,
        "postgres", "postgres", pg::close, false);
  }

  String description() {
    return description;
  }

  /** CREATEs an empty database with a unique name (a copy of template1) and returns where it is. */
  synchronized TestDatabase createDatabase() {
    String name = UniqueNames.sqlIdentifier("test");
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + " on " + description
          + " (the role needs CREATEDB): " + e.getMessage(), e);
    }
    created.add(name);
    return new TestDatabase(JdbcUrls.withDatabase(adminUrl, name), user, password);
  }

  private void checkReachable() {
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password)) {
      connection.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void stop() throws Exception {
    if (dropDatabasesOnClose && !created.isEmpty()) {
      try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
          Statement statement = connection.createStatement()) {
        for (String name : created) {
          // FORCE: pools of the finished tests may still hold connections (PostgreSQL 13+).
          statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
      }
    }
    owner.stop();
  }
}
