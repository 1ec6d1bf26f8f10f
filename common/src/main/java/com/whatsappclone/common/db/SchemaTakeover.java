package com.whatsappclone.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides, before Flyway runs, what start-up may do with the database it finds.
 *
 * <ul>
 *   <li>Empty, or with Flyway's history: migrate as usual (Flyway checks the history).
 *   <li>Built by the original Go backend (golang-migrate's {@code schema_migrations} at version 4,
 *       not dirty, or the original's tables applied with psql) and exactly its tables and columns:
 *       take it over. Flyway records it as version {@value #BASELINE_VERSION}, where this
 *       project's own V1-V5 (the original's schema) end, and applies the later migrations, which
 *       are written to work on both.
 *   <li>Anything else: refuse with {@link UnrecognisedSchemaException}, before changing anything.
 * </ul>
 */
final class SchemaTakeover {

  /** The version of this project's migrations that holds the original's schema. */
  static final String BASELINE_VERSION = "5";

  /** What to do with a database. */
  record Decision(Optional<String> takeOver) {

    static Decision migrateAsUsual() {
      return new Decision(Optional.empty());
    }

    static Decision takeOver(String found) {
      return new Decision(Optional.of(found));
    }
  }

  /** Column values that this project's CHECK constraints allow; the original had no constraint. */
  private record AllowedValues(String table, String column, List<String> values) {}

  private static final List<AllowedValues> CHECKED_COLUMNS = List.of(
      new AllowedValues("user_devices", "device_type", List.of("mobile", "web", "desktop")),
      new AllowedValues("status_updates", "content_type", List.of("text", "image", "video")));

  private SchemaTakeover() {}

  static Decision decide(Connection connection) throws SQLException {
    SchemaSnapshot snapshot = SchemaSnapshot.read(connection);
    if (snapshot.managedByFlyway()
        || (snapshot.userRelations().isEmpty() && snapshot.golangMigrate().isEmpty())) {
      return Decision.migrateAsUsual();
    }
    String where = "The database schema \"" + snapshot.schema() + "\" ";
    OriginalSchema.Differences differences = OriginalSchema.differences(snapshot);
    String found;
    if (snapshot.golangMigrate().isPresent()) {
      checkGolangMigrateState(where, snapshot.golangMigrate().get());
      if (!differences.none()) {
        throw refused(where + "says through golang-migrate that the original Go backend's migrations "
            + "are applied (version " + OriginalSchema.LAST_VERSION + "), but its tables are not the "
            + "original's: " + differences.describe() + ". This project takes over only the original's "
            + "own schema. Point DATABASE_URL at an empty database or at one built by the original's "
            + "migrations, unchanged.");
      }
      found = "built by the original Go backend (golang-migrate version " + OriginalSchema.LAST_VERSION + ")";
    } else if (differences.onlyMissing()) {
      throw refused(where + "holds part of the original Go backend's schema: " + differences.describe()
          + ". Apply the original's missing migrations (golang-migrate's `migrate ... up`, or psql -f "
          + "for each missing file, in order), then start again; or use an empty database.");
    } else if (!differences.none()) {
      throw refused(where + "is not empty, has no Flyway history (so this project did not build "
          + "it), and is not the original Go backend's schema either: " + differences.describe()
          + ". Point DATABASE_URL at an empty database, at one this project built, or at one the "
          + "original's migrations 0001-0004 built.");
    } else {
      found = "built by the original Go backend (its SQL files applied without golang-migrate)";
    }
    checkValues(connection, where);
    return Decision.takeOver(found);
  }

  private static void checkGolangMigrateState(String where, List<SchemaSnapshot.VersionRow> rows) {
    if (rows.size() != 1) {
      throw refused(where + "has golang-migrate's schema_migrations with " + rows.size() + " rows; "
          + "golang-migrate keeps exactly one. Finish or repair the original's migrations with "
          + "golang-migrate (`migrate ... up`, or `migrate ... force " + OriginalSchema.LAST_VERSION
          + "` once the schema is complete), then start again.");
    }
    SchemaSnapshot.VersionRow row = rows.get(0);
    if (row.dirty()) {
      throw refused(where + "was left dirty by golang-migrate at version " + row.version()
          + ": that migration failed halfway. Repair it with the original's tools (undo or finish "
          + "what the failed migration did, `migrate ... force <version>`, then `migrate ... up`) "
          + "until schema_migrations says version " + OriginalSchema.LAST_VERSION
          + ", dirty = false; then start again.");
    }
    if (row.version() < OriginalSchema.LAST_VERSION) {
      throw refused(where + "is at golang-migrate version " + row.version() + " of the original Go "
          + "backend's " + OriginalSchema.LAST_VERSION + " migrations. Apply the rest with the "
          + "original's files (`migrate -path migrations -database <url> up`), then start again.");
    }
    if (row.version() > OriginalSchema.LAST_VERSION) {
      throw refused(where + "is at golang-migrate version " + row.version() + ", which the original "
          + "Go backend never had (its last is " + OriginalSchema.LAST_VERSION + "): migrations of "
          + "your own? This project takes over only the original's own schema; undo them or start "
          + "from an empty database.");
    }
  }

  /** Rows that this project's CHECK constraints would refuse (the takeover adds them). */
  private static void checkValues(Connection connection, String where) throws SQLException {
    List<String> problems = new ArrayList<>();
    for (AllowedValues allowed : CHECKED_COLUMNS) {
      String sql = "SELECT " + allowed.column() + ", count(*) FROM " + allowed.table()
          + " WHERE " + allowed.column() + " <> ALL (?) GROUP BY 1 ORDER BY 2 DESC LIMIT 5";
      try (PreparedStatement query = connection.prepareStatement(sql)) {
        query.setArray(1, connection.createArrayOf("varchar", allowed.values().toArray()));
        try (ResultSet rows = query.executeQuery()) {
          List<String> values = new ArrayList<>();
          while (rows.next()) {
            values.add("'" + rows.getString(1) + "' (" + rows.getLong(2) + " rows)");
          }
          if (!values.isEmpty()) {
            problems.add(allowed.table() + "." + allowed.column() + " holds " + String.join(", ", values)
                + " where this project accepts " + String.join(", ", allowed.values()) + " or NULL");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw refused(where + "was built by the original Go backend, but " + String.join("; ", problems)
          + ". Change those rows (for example UPDATE user_devices SET device_type = NULL WHERE ...), "
          + "then start again.");
    }
  }

  private static UnrecognisedSchemaException refused(String message) {
    return new UnrecognisedSchemaException(message + " Nothing in the database was changed.");
  }
}
