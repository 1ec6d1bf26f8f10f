package com.whatsappclone.common.db;

import java.time.Duration;

/**
 * Where the database is and how the pool behaves.
 *
 * @param jdbcUrl        a {@code jdbc:postgresql:} URL (see {@code config.DatabaseUrl} for the
 *                       original's {@code postgres://} form)
 * @param user           the role, or null when the URL carries it
 * @param password       its password, or null when the URL carries it or none is needed
 * @param maxPoolSize    the most connections the pool opens, at least 1
 * @param migrateOnStart whether {@link Database#start} applies the Flyway migrations first
 * @param stallTimeout   the longest a store waits for a connection plus any one round trip on it
 *                       before the database counts as unreachable (less when a call's deadline is
 *                       nearer); see {@code BoundedWaitDataSource}
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int maxPoolSize,
    boolean migrateOnStart, Duration stallTimeout) {

  public static final int DEFAULT_MAX_POOL_SIZE = 10;
  /**
   * Well inside the 5 s deadline clients use, so that a stalled database is answered UNAVAILABLE
   * with time to spare; far above any healthy query of this schema (milliseconds).
   */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(2);
  /** HikariCP's validation timeout must stay below its connection wait; see {@code Database}. */
  public static final Duration MIN_STALL_TIMEOUT = Duration.ofMillis(500);

  /** With the {@link #DEFAULT_STALL_TIMEOUT}. */
  public DatabaseConfig(String jdbcUrl, String user, String password, int maxPoolSize, boolean migrateOnStart) {
    this(jdbcUrl, user, password, maxPoolSize, migrateOnStart, DEFAULT_STALL_TIMEOUT);
  }

  public DatabaseConfig {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      // Only the scheme is echoed: the rest of a URL may hold a password.
      throw new IllegalArgumentException("database URL must start with jdbc:postgresql: (got "
          + (jdbcUrl == null ? "nothing" : "'" + schemeOf(jdbcUrl) + ":…'") + ")");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("database maxPoolSize must be at least 1, got " + maxPoolSize);
    }
    if (stallTimeout == null || stallTimeout.compareTo(MIN_STALL_TIMEOUT) < 0) {
      throw new IllegalArgumentException("database stallTimeout must be at least "
          + MIN_STALL_TIMEOUT.toMillis() + " ms, got " + stallTimeout);
    }
  }

  /** The usual settings: {@value #DEFAULT_MAX_POOL_SIZE} connections, migrations applied on start. */
  public static DatabaseConfig of(String jdbcUrl, String user, String password) {
    return new DatabaseConfig(jdbcUrl, user, password, DEFAULT_MAX_POOL_SIZE, true);
  }

  public DatabaseConfig withMaxPoolSize(int size) {
    return new DatabaseConfig(jdbcUrl, user, password, size, migrateOnStart, stallTimeout);
  }

  public DatabaseConfig withMigrateOnStart(boolean migrate) {
    return new DatabaseConfig(jdbcUrl, user, password, maxPoolSize, migrate, stallTimeout);
  }

  public DatabaseConfig withStallTimeout(Duration timeout) {
    return new DatabaseConfig(jdbcUrl, user, password, maxPoolSize, migrateOnStart, timeout);
  }

  private static String schemeOf(String url) {
    int colon = url.indexOf(':');
    return colon < 0 ? url.substring(0, Math.min(url.length(), 20)) : url.substring(0, colon);
  }

  /** Never prints the password, nor the URL's query (which may hold one). */
  @Override
  public String toString() {
    int query = jdbcUrl.indexOf('?');
    String safeUrl = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
    return "DatabaseConfig[" + safeUrl + ", user=" + user + ", maxPoolSize=" + maxPoolSize
        + ", migrateOnStart=" + migrateOnStart + ", stallTimeout=" + stallTimeout.toMillis() + " ms]";
  }
}
