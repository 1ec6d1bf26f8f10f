package com.whatsappclone.common.db;

/**
 * Where the database is and how the pool behaves.
 *
 * @param jdbcUrl        a {@code jdbc:postgresql:} URL (see {@code config.DatabaseUrl} for the
 *                       original's {@code postgres://} form)
 * @param user           the role, or null when the URL carries it
 * @param password       its password, or null when the URL carries it or none is needed
 * @param maxPoolSize    the most connections the pool opens, at least 1
 * @param migrateOnStart whether {@link Database#start} applies the Flyway migrations first
 */
public record DatabaseConfig(
    String jdbcUrl, String user, String password, int maxPoolSize, boolean migrateOnStart) {

  public static final int DEFAULT_MAX_POOL_SIZE = 10;

  public DatabaseConfig {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      // Only the scheme is echoed: the rest of a URL may hold a password.
      throw new IllegalArgumentException("database URL must start with jdbc:postgresql: (got "
          + (jdbcUrl == null ? "nothing" : "'" + schemeOf(jdbcUrl) + ":…'") + ")");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("database maxPoolSize must be at least 1, got " + maxPoolSize);
    }
  }

  /** The usual settings: {@value #DEFAULT_MAX_POOL_SIZE} connections, migrations applied on start. */
  public static DatabaseConfig of(String jdbcUrl, String user, String password) {
    return new DatabaseConfig(jdbcUrl, user, password, DEFAULT_MAX_POOL_SIZE, true);
  }

  public DatabaseConfig withMaxPoolSize(int size) {
    return new DatabaseConfig(jdbcUrl, user, password, size, migrateOnStart);
  }

  public DatabaseConfig withMigrateOnStart(boolean migrate) {
    return new DatabaseConfig(jdbcUrl, user, password, maxPoolSize, migrate);
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
        + ", migrateOnStart=" + migrateOnStart + "]";
  }
}
