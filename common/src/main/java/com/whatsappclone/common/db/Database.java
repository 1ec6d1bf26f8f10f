package com.whatsappclone.common.db;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.zaxxer.hikari.HikariConfig;
import io.micrometer.core.instrument.MeterRegistry;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
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
   * HikariCP's own connection wait, and (plus half a second) the driver's login timeout for a new
   * connection. Stores never wait this long: {@link #dataSource()} gives each connection the
   * shorter budget of {@link DatabaseConfig#stallTimeout()} or the call's deadline. Only the
   * migrations at start-up and the pool's own connection adder see this one.
   */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The most that checking an idle connection before handing it out may take (HikariCP checks
   * one idle for over half a second). Small beside the stall timeout, because a stalled server
   * makes each check last this long before the connection is dropped; a live one answers in well
   * under a millisecond.
   */
  static final Duration MAX_VALIDATION_TIMEOUT = Duration.ofSeconds(1);

  /** How recent a connection handed out must be to count as proof that the database answers. */
  static final Duration PROBE_WHEN_QUIET = Duration.ofSeconds(1);

  private final HikariDataSource pool;
  private final BoundedWaitDataSource dataSource;

  /** Opens the pool (fails if the database cannot be reached); applies no migrations. */
  public Database(DatabaseConfig config) {
    this(config, DEFAULT_POOL_NAME);
  }

  /** @param poolName shown in logs, metrics and PostgreSQL's pg_stat_activity.application_name */
  public Database(DatabaseConfig config, String poolName) {
    this(config, poolName, Optional.empty());
  }

  /** @param metrics where the pool's series go (hikaricp_connections{pool=...} and the rest); none: not measured */
  private Database(DatabaseConfig config, String poolName, Optional<MeterRegistry> metrics) {
    HikariConfig hikari = hikariConfig(config, poolName);
    metrics.ifPresent(hikari::setMetricRegistry);
    this.pool = new HikariDataSource(hikari);
    this.dataSource = new BoundedWaitDataSource(pool, config.stallTimeout());
  }

  /** Opens the pool and, when the config asks, applies pending migrations before returning. */
  public static Database start(DatabaseConfig config) {
    return start(config, DEFAULT_POOL_NAME);
  }

  public static Database start(DatabaseConfig config, String poolName) {
    return start(new Database(config, poolName), config, poolName);
  }

  /**
   * As {@link #start(DatabaseConfig, String)}, the pool measured into the service's metrics
   * (hikaricp_connections_active, _pending, hikaricp_connections_acquire_seconds... tagged
   * {@code pool=<poolName>}) unless they are off.
   */
  public static Database start(DatabaseConfig config, String poolName, ServiceMetrics metrics) {
    return start(new Database(config, poolName, metrics.binderRegistry()), config, poolName);
  }

  private static Database start(Database database, DatabaseConfig config, String poolName) {
    if (config.migrateOnStart()) {
      try {
        // The pool itself, without the stall bound: a migration may rightly run for long.
        Migrations.migrate(database.pool);
      } catch (RuntimeException e) {
        // Don't leak the open pool when start-up fails half way.
        database.close();
        throw e;
      }
    }
    log.info("database pool {} ready: {}", poolName, config);
    return database;
  }

  /**
   * The connections for stores: each bounded by the stall timeout or the call's deadline, so a
   * database that is down or stalled fails a call in time (see {@link BoundedWaitDataSource}).
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Whether the database looks stalled or down right now (see {@code BoundedWaitDataSource#stalled}):
   * a server full of calls waiting on it answers the excess UNAVAILABLE, not RESOURCE_EXHAUSTED.
   */
  public boolean stalled() {
    return dataSource.stalled();
  }

  /**
   * The readiness condition "database" ({@code GrpcServer.Builder#readyWhen}): empty while
   * PostgreSQL answers, else why not. A pool that handed out a connection within the last
   * {@link #PROBE_WHEN_QUIET} and is not stalled has just shown it works; otherwise one connection
   * is taken and given back, which probes the server (HikariCP checks a connection idle for over
   * half a second before handing it out), within the stall timeout. So an idle service notices an
   * outage, and its recovery, within a second or two, and a busy one costs no query at all.
   */
  public Optional<String> unreachable() {
    if (!dataSource.stalled() && dataSource.handedOutWithin(PROBE_WHEN_QUIET)) {
      return Optional.empty();
    }
    try (Connection probe = dataSource.getConnection()) {
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of("no connection to PostgreSQL (" + pool.getPoolName() + "): " + e.getMessage());
    }
  }

  @Override
  public void close() {
    pool.close();
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
    Duration halfStall = config.stallTimeout().dividedBy(2);
    hikari.setValidationTimeout(
        (halfStall.compareTo(MAX_VALIDATION_TIMEOUT) < 0 ? halfStall : MAX_VALIDATION_TIMEOUT).toMillis());
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
