package com.whatsappclone.common.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
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
   * Applies every pending migration, after {@link SchemaTakeover} has looked at what the database
   * holds: a database built by the original Go backend is taken over (recorded as version
   * {@value SchemaTakeover#BASELINE_VERSION}), one in an unknown state is refused untouched.
   *
   * @return how many were applied now (0 when the schema was already current)
   * @throws UnrecognisedSchemaException when the database holds a schema this project must not touch
   * @throws org.flywaydb.core.api.FlywayException naming the failing migration and the SQL error
   */
  public static int migrate(DataSource dataSource) {
    SchemaTakeover.Decision decision;
    try (Connection connection = dataSource.getConnection()) {
      decision = SchemaTakeover.decide(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the database's schema before migrating: " + e.getMessage(), e);
    }
    FluentConfiguration flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(LOCATION)
        // A jar built without the migrations must fail loudly, not leave an empty schema.
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        // All pending migrations in one transaction: a failure leaves the schema as it was.
        .group(true);
    decision.takeOver().ifPresent(found -> {
      log.info("the database was {}: taking it over as schema version {}, then applying this "
          + "project's later migrations", found, SchemaTakeover.BASELINE_VERSION);
      // Another service starting at the same moment may baseline first; Flyway then just migrates.
      flyway.baselineOnMigrate(true)
          .baselineVersion(SchemaTakeover.BASELINE_VERSION)
          .baselineDescription("taken over: " + found);
    });
    MigrateResult result = flyway.load().migrate();
    log.info("database schema at version {} ({} migration(s) applied now)",
        result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
        result.migrationsExecuted);
    return result.migrationsExecuted;
  }
}
