package com.whatsappclone.common.config;

import com.whatsappclone.common.db.DatabaseConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * DATABASE_URL, DB_MAX_POOL_SIZE, DB_MIGRATE_ON_START and DB_STALL_TIMEOUT as one
 * {@link DatabaseConfig}.
 */
public final class DatabaseSettings {

  private DatabaseSettings() {}

  /** Empty when DATABASE_URL is missing or malformed; the problem is recorded in {@code settings}. */
  public static Optional<DatabaseConfig> from(Settings settings) {
    Optional<DatabaseUrl> url = settings.databaseUrl("DATABASE_URL");
    int poolSize = settings.integer("DB_MAX_POOL_SIZE", DatabaseConfig.DEFAULT_MAX_POOL_SIZE, 1, 500);
    boolean migrate = settings.flag("DB_MIGRATE_ON_START", true);
    Duration stall = settings.duration("DB_STALL_TIMEOUT", DatabaseConfig.DEFAULT_STALL_TIMEOUT);
    if (stall.compareTo(DatabaseConfig.MIN_STALL_TIMEOUT) < 0) {
      settings.reportProblem("DB_STALL_TIMEOUT must be at least "
          + DatabaseConfig.MIN_STALL_TIMEOUT.toMillis() + "ms (got " + stall.toMillis() + "ms)");
      stall = DatabaseConfig.DEFAULT_STALL_TIMEOUT;
    }
    Duration stallTimeout = stall;
    return url.map(u -> new DatabaseConfig(u.jdbcUrl(), u.user(), u.password(), poolSize, migrate, stallTimeout));
  }
}
