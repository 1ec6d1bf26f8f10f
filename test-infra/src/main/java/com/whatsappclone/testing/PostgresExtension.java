package com.whatsappclone.testing;

/**
 * A real PostgreSQL server for tests, started once per JVM on first use and shared by every test
 * class; it stops when the JVM exits. Tests isolate by asking for a fresh empty database:
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)   // or @WithPostgres
 * class UserStoreTest {
 *   @Test void savesUser(TestDatabase db) { ... db.jdbcUrl() ... }   // a new database per parameter
 *   // or, without the extension: TestDatabase db = PostgresExtension.newDatabase();
 * }
 * }</pre>
 *
 * <p>Which server: {@code TEST_DATABASE_URL} (+ {@code TEST_DATABASE_USER} /
 * {@code TEST_DATABASE_PASSWORD}, or {@code user=}/{@code password=} in the URL; the role needs
 * CREATEDB) uses an existing one; {@code TESTCONTAINERS=true} starts a Docker container; otherwise
 * an embedded PostgreSQL (zonky, no Docker, runs as root too).
 */
public final class PostgresExtension extends SharedServerExtension<PostgresServer> {

  private static final SharedServer<PostgresServer> SERVER = new SharedServer<>("postgres", PostgresServer::start);

  /** JUnit creates it; the state is static, shared by every instance. */
  public PostgresExtension() {
    super(SERVER, TestDatabase.class);
  }

  /** A new empty database with a unique name on the shared server; starts the server if needed. */
  public static TestDatabase newDatabase() {
    return SERVER.get().createDatabase();
  }

  /** Which server the tests use, for messages ("embedded PostgreSQL on port 41234"). */
  public static String serverDescription() {
    return SERVER.get().description();
  }

  /** Each resolved {@link TestDatabase} parameter is a new database. */
  @Override
  Object parameter(PostgresServer server) {
    return server.createDatabase();
  }
}
