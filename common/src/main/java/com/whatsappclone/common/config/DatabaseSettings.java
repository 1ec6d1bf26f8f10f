package com.whatsappclone.common.config;

import com.whatsappclone.common.db.DatabaseConfig;
import java.util.Optional;

/** DATABASE_URL, DB_MAX_POOL_SIZE and DB_MIGRATE_ON_START as one {@link DatabaseConfig}. */
public final class DatabaseSettings {

  private DatabaseSettings() {}

  /** Empty when DATABASE_URL is missing or malformed; the problem is recorded in {@code settings}. */
  public static Optional<DatabaseConfig> from(Settings settings) {
    Optional<DatabaseUrl> url = settings.databaseUrl("DATABASE_URL");
    int poolSize = settings.integer("DB_MAX_POOL_SIZE", DatabaseConfig.DEFAULT_MAX_POOL_SIZE, 1, 500);
    boolean migrate = settings.flag("DB_MIGRATE_ON_START", true);
    return url.map(u -> new DatabaseConfig(u.jdbcUrl(), u.user(), u.password(), poolSize, migrate));
  }
}
