package com.whatsappclone.common.db;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables and columns that the original Go backend's migrations 0001-0004 create, step by
 * step, with PostgreSQL's names for their types. A database that has exactly these (plus
 * golang-migrate's {@code schema_migrations}) is the original's and can be taken over; anything
 * else is described by {@link #differences}.
 */
final class OriginalSchema {

  static final String UUID = "uuid";
  static final String TEXT = "text";
  static final String TIMESTAMPTZ = "timestamp with time zone";
  static final String TIMESTAMP = "timestamp without time zone";

  /** One of the original's migration files and what it adds. */
  record Step(String file, Map<String, Map<String, String>> tables, Map<String, Map<String, String>> addedColumns) {}

  static final List<Step> STEPS = List.of(
      new Step("0001_initial_schema.up.sql", tables(
          table("users", "id", UUID, "phone_number", varchar(20), "display_name", varchar(100),
              "profile_picture_url", TEXT, "about_text", varchar(250), "last_seen_at", TIMESTAMPTZ,
              "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ),
          table("contacts", "user_id", UUID, "contact_phone_number", varchar(20), "contact_user_id", UUID,
              "display_name_override", varchar(100)),
          table("status_updates", "id", UUID, "user_id", UUID, "content_type", varchar(20),
              "content_or_url", TEXT, "created_at", TIMESTAMPTZ, "expires_at", TIMESTAMPTZ),
          table("status_views", "status_id", UUID, "user_id", UUID, "viewed_at", TIMESTAMPTZ),
          table("blocked_users", "blocker_user_id", UUID, "blocked_user_id", UUID, "created_at", TIMESTAMPTZ),
          table("user_devices", "id", UUID, "user_id", UUID, "refresh_token_hash", varchar(255),
              "device_name", varchar(100), "device_type", varchar(20), "push_notification_token", TEXT,
              "last_login_at", TIMESTAMPTZ, "created_at", TIMESTAMPTZ)), Map.of()),
      new Step("0002_user_devices_revocation.up.sql", Map.of(),
          tables(table("user_devices", "revoked_at", TIMESTAMPTZ))),
      new Step("0003_chat_schema.up.sql", tables(
          table("conversations", "id", UUID, "created_at", TIMESTAMP),
          table("conversation_participants", "conversation_id", UUID, "user_id", UUID, "joined_at", TIMESTAMP),
          table("messages", "id", UUID, "conversation_id", UUID, "sender_id", UUID, "content", TEXT,
              "media_url", TEXT, "media_type", TEXT, "client_message_id", TEXT, "created_at", TIMESTAMP),
          table("message_status", "message_id", UUID, "user_id", UUID, "delivered_at", TIMESTAMP,
              "read_at", TIMESTAMP)), Map.of()),
      new Step("0004_add_group_support.up.sql", Map.of(),
          tables(table("conversations", "is_group", "boolean", "group_name", TEXT))));

  /** golang-migrate's version once every step above is applied. */
  static final long LAST_VERSION = STEPS.size();

  private OriginalSchema() {}

  /** What the snapshot has and the original's complete schema does not, and the other way round. */
  record Differences(List<String> unknown, List<String> missing, List<String> mismatched) {

    boolean none() {
      return unknown.isEmpty() && missing.isEmpty() && mismatched.isEmpty();
    }

    /** Only things of the original are missing: some of its steps were not (fully) applied. */
    boolean onlyMissing() {
      return unknown.isEmpty() && mismatched.isEmpty() && !missing.isEmpty();
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      if (!unknown.isEmpty()) {
        parts.add("not part of the original's schema: " + String.join(", ", unknown));
      }
      if (!missing.isEmpty()) {
        parts.add("missing: " + String.join(", ", missing));
      }
      if (!mismatched.isEmpty()) {
        parts.add("different: " + String.join(", ", mismatched));
      }
      return String.join("; ", parts);
    }
  }

  static Differences differences(SchemaSnapshot snapshot) {
    Map<String, Map<String, String>> expected = complete();
    List<String> unknown = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (SchemaSnapshot.Relation relation : snapshot.userRelations()) {
      Map<String, String> columns = expected.get(relation.name());
      if (columns == null || !relation.kind().equals("table")) {
        unknown.add(relation.kind() + " " + relation.name());
        continue;
      }
      for (Map.Entry<String, String> column : relation.columns().entrySet()) {
        String type = columns.get(column.getKey());
        if (type == null) {
          unknown.add("column " + relation.name() + "." + column.getKey());
        } else if (!type.equals(column.getValue())) {
          mismatched.add(relation.name() + "." + column.getKey() + " is " + column.getValue()
              + " (the original's is " + type + ")");
        }
      }
    }
    for (Step step : STEPS) {
      Set<String> missingHere = new TreeSet<>();
      step.tables().keySet().stream().filter(t -> !snapshot.relations().containsKey(t))
          .forEach(t -> missingHere.add("table " + t));
      step.tables().forEach((table, columns) -> missingColumns(snapshot, table, columns, missingHere));
      // A step that adds columns to a table that is missing altogether is missing too.
      step.addedColumns().forEach((table, columns) -> columns.keySet().stream()
          .filter(c -> !snapshot.relations().containsKey(table)
              || !snapshot.relations().get(table).columns().containsKey(c))
          .forEach(c -> missingHere.add("column " + table + "." + c)));
      if (!missingHere.isEmpty()) {
        missing.add(String.join(", ", missingHere) + " (the original's " + step.file() + ")");
      }
    }
    return new Differences(unknown, missing, mismatched);
  }

  private static void missingColumns(SchemaSnapshot snapshot, String table, Map<String, String> columns,
      Set<String> missing) {
    SchemaSnapshot.Relation relation = snapshot.relations().get(table);
    if (relation == null) {
      return;
    }
    columns.keySet().stream().filter(c -> !relation.columns().containsKey(c))
        .forEach(c -> missing.add("column " + table + "." + c));
  }

  /** Every table of the original after its last step, with all its columns. */
  static Map<String, Map<String, String>> complete() {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (Step step : STEPS) {
      step.tables().forEach((table, columns) -> all.computeIfAbsent(table, t -> new LinkedHashMap<>()).putAll(columns));
      step.addedColumns().forEach((table, columns) -> all.computeIfAbsent(table, t -> new LinkedHashMap<>()).putAll(columns));
    }
    return all;
  }

  private static String varchar(int length) {
    return "character varying(" + length + ")";
  }

  private static Map.Entry<String, Map<String, String>> table(String name, String... columnsAndTypes) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndTypes.length; i += 2) {
      columns.put(columnsAndTypes[i], columnsAndTypes[i + 1]);
    }
    return Map.entry(name, columns);
  }

  @SafeVarargs
  private static Map<String, Map<String, String>> tables(Map.Entry<String, Map<String, String>>... tables) {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> table : tables) {
      all.put(table.getKey(), table.getValue());
    }
    return all;
  }
}
