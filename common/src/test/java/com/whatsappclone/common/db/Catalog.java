package com.whatsappclone.common.db;

import com.whatsappclone.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A test database's public schema as PostgreSQL's catalog describes it, one sorted line per
 * column, constraint, index, trigger, function and extension, so two schemas compare as lists.
 */
final class Catalog {

  /** Bookkeeping tables of the migration tools; not part of the schema being compared. */
  private static final String TOOL_TABLES = "('flyway_schema_history', 'schema_migrations')";

  private Catalog() {}

  static List<String> describe(TestDatabase db) throws SQLException {
    List<String> lines = new ArrayList<>();
    lines.addAll(query(db, "SELECT 'column ' || c.relname || '.' || a.attname || ' ' "
        + "|| format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END "
        + "|| coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') "
        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        + "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
        + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname NOT IN " + TOOL_TABLES));
    lines.addAll(query(db, "SELECT 'constraint ' || cl.relname || '.' || co.conname || ' ' "
        + "|| pg_get_constraintdef(co.oid) || CASE WHEN co.convalidated THEN '' ELSE ' (not validated)' END "
        + "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid "
        + "JOIN pg_namespace n ON n.oid = cl.relnamespace "
        + "WHERE n.nspname = 'public' AND cl.relname NOT IN " + TOOL_TABLES));
    lines.addAll(query(db, "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes "
        + "WHERE schemaname = 'public' AND tablename NOT IN " + TOOL_TABLES));
    lines.addAll(query(db, "SELECT 'trigger ' || c.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid) "
        + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname = 'public' AND NOT t.tgisinternal"));
    lines.addAll(query(db, "SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid)) "
        + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        + "LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
        + "WHERE n.nspname = 'public' AND d.objid IS NULL"));
    lines.addAll(query(db, "SELECT 'extension ' || extname FROM pg_extension"));
    return lines.stream().sorted().toList();
  }

  /** The tables of the public schema, golang-migrate's and Flyway's included. */
  static List<String> tables(TestDatabase db) throws SQLException {
    return query(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        + "ORDER BY table_name");
  }

  static List<String> query(TestDatabase db, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
