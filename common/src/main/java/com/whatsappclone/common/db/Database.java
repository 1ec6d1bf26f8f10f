package com.whatsappclone.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's connection pool (HikariCP). Create one per service with {@link #start}, share its
 * {@link #dataSource()} with every store, close it on shutdown.
 */
public final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  public static final String DEFAULT_POOL_NAME = "whatsapp-db";

  /**
   * How long a caller waits for a connection. Short, so that a database outage surfaces as an
   * error (and UNAVAILABLE to the client) within seconds instead of piling up blocked requests.
   */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** Must stay below {@link #CONNECTION_TIMEOUT}, as HikariCP requires. */
  static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(2);

  private final HikariDataSource dataSource;

  /** Opens the pool (fails if the database cannot be reached); applies no migrations. */
  public Database(DatabaseConfig config) {
    this(config, DEFAULT_POOL_NAME);
  }

  /** @param poolName shown in logs, metrics and PostgreSQL's pg_stat_activity.application_name */
  public Database(DatabaseConfig config, String poolName) {
    this.dataSource = new HikariDataSource(hikariConfig(config, poolName));
  }

  /** Opens the pool and, when the config asks, applies pending migrations before returning. */
  public static Database start(DatabaseConfig config) {
    return start(config, DEFAULT_POOL_NAME);
  }

  public static Database start(DatabaseConfig config, String poolName) {
    Database database = new Database(config, poolName);
    if (config.migrateOnStart()) {
      try {
        Migrations.migrate(database.dataSource());
      } catch (RuntimeException e) {
        // Don't leak the open pool when start-up fails half way.
        database.close();
        throw e;
      }
    }
    log.info("database pool {} ready: {}", poolName, config);
    return database;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private static HikariConfig hikariConfig(DatabaseConfig config, String poolName) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(poolName);
    hikari.setJdbcUrl(config.jdbcUrl());
    if (config.user() != null) {
      hikari.setUsername(config.user());
    }
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.maxPoolSize());
    // Connections are opened on demand above this: dozens of pools (every service, every test)
    // share one server, and idle ones cost a PostgreSQL process each.
    hikari.setMinimumIdle(Math.min(2, config.maxPoolSize()));
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    hikari.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
    // Start-up fails when the database is unreachable for this long, instead of starting a service
    // that cannot work; a short wait lets a database that is still booting catch up.
    hikari.setInitializationFailTimeout(CONNECTION_TIMEOUT.toMillis());
    // Driver-level bounds (seconds); a parameter of the same name in the URL wins over these.
    hikari.addDataSourceProperty("connectTimeout", "5");
    hikari.addDataSourceProperty("tcpKeepAlive", "true");
    hikari.addDataSourceProperty("ApplicationName", poolName);
    return hikari;
  }
}
