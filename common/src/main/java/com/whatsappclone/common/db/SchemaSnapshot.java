package com.whatsappclone.common.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The relations of the connection's current schema (the one Flyway migrates) as start-up finds
 * them, read from PostgreSQL's catalog before anything is changed.
 *
 * @param schema        the schema's name, usually {@code public}
 * @param relations     every table, view, materialized view and foreign table, by name
 * @param golangMigrate the rows of golang-migrate's {@code schema_migrations}, when that table exists
 */
record SchemaSnapshot(String schema, Map<String, Relation> relations, Optional<List<VersionRow>> golangMigrate) {

  static final String FLYWAY_HISTORY = "flyway_schema_history";
  static final String GOLANG_MIGRATE_TABLE = "schema_migrations";

  /** @param columns column name to its type as {@code format_type} writes it, e.g. {@code character varying(20)} */
  record Relation(String name, String kind, Map<String, String> columns) {}

  /** One row of golang-migrate's bookkeeping: the version applied last, and whether it failed halfway. */
  record VersionRow(long version, boolean dirty) {}

  static SchemaSnapshot read(Connection connection) throws SQLException {
    String schema;
    Map<String, Relation> relations = new TreeMap<>();
    try (Statement statement = connection.createStatement()) {
      try (ResultSet row = statement.executeQuery("SELECT current_schema()")) {
        row.next();
        schema = row.getString(1);
      }
      try (ResultSet rows = statement.executeQuery(
          "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) "
              + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              + "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
              + "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
              + "ORDER BY c.relname, a.attnum")) {
        while (rows.next()) {
          String name = rows.getString(1);
          String kind = kind(rows.getString(2));
          Relation relation = relations.computeIfAbsent(name, n -> new Relation(n, kind, new LinkedHashMap<>()));
          if (rows.getString(3) != null) {
            relation.columns().put(rows.getString(3), rows.getString(4));
          }
        }
      }
      Optional<List<VersionRow>> golangMigrate = Optional.empty();
      if (relations.containsKey(GOLANG_MIGRATE_TABLE)
          && relations.get(GOLANG_MIGRATE_TABLE).columns().keySet().containsAll(List.of("version", "dirty"))) {
        List<VersionRow> versions = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(
            "SELECT version, dirty FROM " + GOLANG_MIGRATE_TABLE + " ORDER BY version")) {
          while (rows.next()) {
            versions.add(new VersionRow(rows.getLong(1), rows.getBoolean(2)));
          }
        }
        golangMigrate = Optional.of(List.copyOf(versions));
      }
      return new SchemaSnapshot(schema, relations, golangMigrate);
    }
  }

  boolean managedByFlyway() {
    return relations.containsKey(FLYWAY_HISTORY);
  }

  /** Everything except golang-migrate's bookkeeping table. */
  List<Relation> userRelations() {
    return relations.values().stream().filter(r -> !r.name().equals(GOLANG_MIGRATE_TABLE)).toList();
  }

  private static String kind(String relkind) {
    return switch (relkind) {
      case "v" -> "view";
      case "m" -> "materialized view";
      case "f" -> "foreign table";
      default -> "table";
    };
  }
}
