package com.whatsappclone.common.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the SQL migrations shipped in this jar ({@value #LOCATION}, copied from the project's
 * top-level {@code migrations/} folder) with Flyway.
 *
 * <p>Safe to call from several services starting at once against one database: Flyway serialises
 * them with a PostgreSQL advisory lock, and applied migrations are never re-run.
 */
public final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /**
   * Applies every pending migration.
   *
   * @return how many were applied now (0 when the schema was already current)
   * @throws org.flywaydb.core.api.FlywayException naming the failing migration and the SQL error
   */
  public static int migrate(DataSource dataSource) {
    MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(LOCATION)
        // A jar built without the migrations must fail loudly, not leave an empty schema.
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        .load()
        .migrate();
    log.info("database schema at version {} ({} migration(s) applied now)",
        result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
        result.migrationsExecuted);
    return result.migrationsExecuted;
  }
}
