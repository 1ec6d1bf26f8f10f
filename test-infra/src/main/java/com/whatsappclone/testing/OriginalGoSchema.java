package com.whatsappclone.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Builds, in an empty test database, the schema that users of the original Go backend have: its
 * migrations 0001-0004 (the fixture in {@code resources/original-go-schema/}), applied as
 * golang-migrate applies them (leaving {@code schema_migrations}) or as its README's psql steps do.
 */
public final class OriginalGoSchema {

  /** golang-migrate's version after the original's last migration. */
  public static final int LAST_VERSION = 4;

  private static final List<String> STEPS = List.of(
      "0001_initial_schema", "0002_user_devices_revocation", "0003_chat_schema", "0004_add_group_support");

  private OriginalGoSchema() {}

  /** Steps 1..{@code version}, then {@code schema_migrations} as golang-migrate leaves it after success. */
  public static void migrateUp(TestDatabase db, int version) {
    applySteps(db, version);
    recordVersion(db, version, false);
  }

  /** Steps 1..{@code version} with psql: the same objects, no {@code schema_migrations}. */
  public static void applySteps(TestDatabase db, int version) {
    for (String step : STEPS.subList(0, version)) {
      execute(db, resource("original-go-schema/" + step + ".sql"));
    }
  }

  /**
   * What golang-migrate writes: one row, {@code dirty} while a migration runs and left so when it
   * failed (the state {@code migrate force} exists to repair).
   */
  public static void recordVersion(TestDatabase db, int version, boolean dirty) {
    execute(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, "
        + "dirty boolean NOT NULL); TRUNCATE schema_migrations; "
        + "INSERT INTO schema_migrations (version, dirty) VALUES (" + version + ", " + dirty + ")");
  }

  /** The original's own {@code *.up.sql} files from {@code directory}, in version order. */
  public static void applyOriginalFiles(TestDatabase db, Path directory) {
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".up.sql")).sorted().toList()) {
        execute(db, Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a script of several statements (PostgreSQL's simple query protocol takes them at once). */
  public static void execute(TestDatabase db, String sql) {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + db + ": " + e.getMessage(), e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = OriginalGoSchema.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
