package com.whatsappclone.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

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
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {

  private static PostgresServer server;
  /** Set when the start failed: later classes fail at once with the same cause, not after a retry. */
  private static RuntimeException startFailure;

  /** JUnit creates it; the state is static, shared by every instance. */
  public PostgresExtension() {}

  /** A new empty database with a unique name on the shared server; starts the server if needed. */
  public static TestDatabase newDatabase() {
    return server().createDatabase();
  }

  /** Which server the tests use, for messages ("embedded PostgreSQL on port 41234"). */
  public static String serverDescription() {
    return server().description();
  }

  private static synchronized PostgresServer server() {
    if (startFailure != null) {
      throw new IllegalStateException("the shared server failed to start earlier in this JVM: "
          + startFailure.getMessage(), startFailure);
    }
    if (server == null) {
      PostgresServer started;
      try {
        started = PostgresServer.start();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
      Shutdown.onExit("postgres", started);
      server = started;
    }
    return server;
  }

  /** Starts the server before the class's first test, so its start-up isn't charged to one test. */
  @Override
  public void beforeAll(ExtensionContext context) {
    server();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == TestDatabase.class;
  }

  /** Each resolved {@link TestDatabase} parameter is a new database. */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return newDatabase();
  }
}
