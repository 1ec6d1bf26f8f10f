package com.whatsappclone.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The migrations on a fresh empty database, checked against PostgreSQL's catalog. */
@ExtendWith(PostgresExtension.class)
class MigrationsTest {

  private static Database database;
  private static DataSource dataSource;
  private static int appliedOnEmptyDatabase;

  @BeforeAll
  static void migrateAFreshEmptyDatabase(TestDatabase db) {
    database = new Database(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()), "migrations-test");
    dataSource = database.dataSource();
    // The catalog checks below are about the original's schema, so stop at its last version;
    // later migrations are checked by their own services' tests.
    appliedOnEmptyDatabase = org.flywaydb.core.Flyway.configure()
        .dataSource(dataSource)
        .locations(Migrations.LOCATION)
        .target(ORIGINAL_SCHEMA_VERSION)
        .load()
        .migrate()
        .migrationsExecuted;
  }

  private static final String ORIGINAL_SCHEMA_VERSION = "5";

  @AfterAll
  static void closePool() {
    database.close();
  }

  @Test
  void originalSchemaIsTheFirstFiveVersionsInOrder() throws SQLException {
    assertThat(appliedOnEmptyDatabase).isEqualTo(5);
    assertThat(strings("SELECT version || ':' || success FROM flyway_schema_history "
        + "WHERE version IS NOT NULL ORDER BY installed_rank"))
        .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true");
  }

  @Test
  void laterMigrationsApplyOnTopOfTheOriginalSchemaAndAgainIsANoOp(TestDatabase other) throws SQLException {
    try (Database fresh = new Database(DatabaseConfig.of(other.jdbcUrl(), other.user(), other.password()), "m2")) {
      int applied = Migrations.migrate(fresh.dataSource());
      assertThat(applied).isGreaterThanOrEqualTo(5);
      try (var connection = fresh.dataSource().getConnection();
           var statement = connection.createStatement();
           var rows = statement.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE NOT success")) {
        rows.next();
        assertThat(rows.getLong(1)).isZero();
      }
      assertThat(Migrations.migrate(fresh.dataSource())).isZero();
    }
  }

  @Test
  void migrationsOnEmptyDatabaseCreateExactlyTheOriginalTables() throws SQLException {
    assertThat(strings("SELECT table_name FROM information_schema.tables "
        + "WHERE table_schema = 'public' AND table_name <> 'flyway_schema_history'"))
        .containsExactlyInAnyOrder("users", "contacts", "status_updates", "status_views",
            "blocked_users", "user_devices", "conversations", "conversation_participants",
            "messages", "message_status");
  }

  @ParameterizedTest(name = "{0}.{1} is {2}({3}) nullable={4}")
  @CsvSource({
      "users, phone_number, character varying, 20, NO",
      "users, display_name, character varying, 100, YES",
      "users, about_text, character varying, 250, YES",
      "users, profile_picture_url, text, , YES",
      "users, last_seen_at, timestamp with time zone, , YES",
      "users, created_at, timestamp with time zone, , NO",
      "users, updated_at, timestamp with time zone, , NO",
      "contacts, contact_phone_number, character varying, 20, NO",
      "contacts, contact_user_id, uuid, , YES",
      "contacts, display_name_override, character varying, 100, YES",
      "status_updates, user_id, uuid, , NO",
      "status_updates, content_type, character varying, 20, NO",
      "status_updates, expires_at, timestamp with time zone, , NO",
      "status_views, viewed_at, timestamp with time zone, , NO",
      "user_devices, refresh_token_hash, character varying, 255, NO",
      "user_devices, device_type, character varying, 20, YES",
      "user_devices, push_notification_token, text, , YES",
      "user_devices, revoked_at, timestamp with time zone, , YES",
      "conversations, created_at, timestamp without time zone, , NO",
      "conversations, is_group, boolean, , NO",
      "conversations, group_name, text, , YES",
      "messages, content, text, , NO",
      "messages, client_message_id, text, , YES",
      "messages, created_at, timestamp without time zone, , NO",
      "message_status, delivered_at, timestamp without time zone, , YES",
      "message_status, read_at, timestamp without time zone, , YES",
  })
  void migrationsOnEmptyDatabaseGiveColumnsTheOriginalTypes(String table, String column,
      String type, Integer maxLength, String nullable) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(
            "SELECT data_type, character_maximum_length, is_nullable FROM information_schema.columns "
                + "WHERE table_schema = 'public' AND table_name = ? AND column_name = ?")) {
      query.setString(1, table);
      query.setString(2, column);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).as("column %s.%s exists", table, column).isTrue();
        assertThat(row.getString("data_type")).isEqualTo(type);
        assertThat((Integer) row.getObject("character_maximum_length")).isEqualTo(maxLength);
        assertThat(row.getString("is_nullable")).isEqualTo(nullable);
      }
    }
  }

  @ParameterizedTest(name = "{0} has id uuid default uuid_generate_v4()")
  @CsvSource({"users", "status_updates", "user_devices", "conversations", "messages"})
  void migrationsOnEmptyDatabaseGiveIdsAUuidDefault(String table) throws SQLException {
    assertThat(strings("SELECT data_type || ' ' || column_default FROM information_schema.columns "
        + "WHERE table_schema = 'public' AND table_name = '" + table + "' AND column_name = 'id'"))
        .containsExactly("uuid uuid_generate_v4()");
  }

  @Test
  void migrationsOnEmptyDatabaseCreateTheUniqueConstraints() throws SQLException {
    assertThat(constraints('u')).contains(
        "users.users_phone_number_key UNIQUE (phone_number)",
        "user_devices.user_devices_user_id_refresh_token_hash_key UNIQUE (user_id, refresh_token_hash)",
        "messages.messages_conversation_id_client_message_id_key "
            + "UNIQUE (conversation_id, client_message_id)");
  }

  @Test
  void migrationsOnEmptyDatabaseCreateUniqueRevocationIndex() throws SQLException {
    UUID user = insertUser("+15550000001");
    insertDevice(user, "hash-a");
    insertDevice(user, "hash-b");
    assertThatThrownBy(() -> insertDevice(user, "hash-a"))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"))
        .hasMessageContaining("user_devices_user_id_refresh_token_hash_key");
    // The same hash under another user is a different device.
    insertDevice(insertUser("+15550000002"), "hash-a");
  }

  @Test
  void migrationsOnEmptyDatabaseCreateTheCompositePrimaryKeys() throws SQLException {
    assertThat(constraints('p')).contains(
        "contacts.contacts_pkey PRIMARY KEY (user_id, contact_phone_number)",
        "status_views.status_views_pkey PRIMARY KEY (status_id, user_id)",
        "blocked_users.blocked_users_pkey PRIMARY KEY (blocker_user_id, blocked_user_id)",
        "conversation_participants.conversation_participants_pkey PRIMARY KEY (conversation_id, user_id)",
        "message_status.message_status_pkey PRIMARY KEY (message_id, user_id)",
        "users.users_pkey PRIMARY KEY (id)");
  }

  @Test
  void migrationsOnEmptyDatabaseCreateTheIndexes() throws SQLException {
    assertThat(strings("SELECT indexname || ': ' || regexp_replace(indexdef, '^.* USING ', '') "
        + "FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx_%'"))
        .containsExactlyInAnyOrder(
            "idx_status_updates_user_id_created_at: btree (user_id, created_at)",
            "idx_user_devices_user_id: btree (user_id)",
            "idx_user_devices_revoked_at: btree (revoked_at)",
            "idx_user_devices_refresh_token_hash: btree (refresh_token_hash)",
            "idx_messages_conversation_id_created_at: btree (conversation_id, created_at DESC)",
            "idx_conversations_is_group: btree (is_group)");
  }

  @Test
  void migrationsOnEmptyDatabaseDefaultConversationsToNotGroup() throws SQLException {
    assertThat(strings("SELECT column_default FROM information_schema.columns "
        + "WHERE table_name = 'conversations' AND column_name = 'is_group'"))
        .containsExactly("false");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet row = s.executeQuery("INSERT INTO conversations DEFAULT VALUES RETURNING is_group, group_name")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getBoolean("is_group")).isFalse();
      assertThat(row.getString("group_name")).isNull();
    }
  }

  @Test
  void migrationsOnEmptyDatabaseRestrictContentAndDeviceTypes() throws SQLException {
    UUID user = insertUser("+15550000003");
    assertThat(constraints('c')).contains(
        "status_updates.status_updates_content_type_check CHECK (((content_type)::text = ANY "
            + "((ARRAY['text'::character varying, 'image'::character varying, "
            + "'video'::character varying])::text[])))",
        "user_devices.user_devices_device_type_check CHECK (((device_type)::text = ANY "
            + "((ARRAY['mobile'::character varying, 'web'::character varying, "
            + "'desktop'::character varying])::text[])))");
    assertThatThrownBy(() -> execute("INSERT INTO status_updates (user_id, content_type, expires_at) "
        + "VALUES ('" + user + "', 'audio', now())"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("status_updates_content_type_check");
    assertThatThrownBy(() -> execute("INSERT INTO user_devices (user_id, refresh_token_hash, device_type) "
        + "VALUES ('" + user + "', 'h', 'tv')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("user_devices_device_type_check");
  }

  @Test
  void deletingAConversationDeletesItsParticipants() throws SQLException {
    UUID user = insertUser("+15550000004");
    UUID conversation = UUID.fromString(strings(
        "INSERT INTO conversations (is_group, group_name) VALUES (true, 'g') RETURNING id").get(0));
    execute("INSERT INTO conversation_participants (conversation_id, user_id) VALUES ('"
        + conversation + "', '" + user + "')");
    execute("DELETE FROM conversations WHERE id = '" + conversation + "'");
    assertThat(count("SELECT count(*) FROM conversation_participants WHERE conversation_id = '"
        + conversation + "'")).isZero();
  }

  private static UUID insertUser(String phone) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO users (phone_number) VALUES (?) RETURNING id")) {
      insert.setString(1, phone);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return row.getObject(1, UUID.class);
      }
    }
  }

  private static void insertDevice(UUID user, String hash) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO user_devices (user_id, refresh_token_hash, device_type) VALUES (?, ?, 'mobile')")) {
      insert.setObject(1, user);
      insert.setString(2, hash);
      insert.executeUpdate();
    }
  }

  /** "table.name definition" of every constraint of one kind (p, u, c, f) in the public schema. */
  private static List<String> constraints(char type) throws SQLException {
    return strings("SELECT cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid) "
        + "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid "
        + "JOIN pg_namespace n ON n.oid = cl.relnamespace "
        + "WHERE n.nspname = 'public' AND co.contype = '" + type + "'");
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(String sql) throws SQLException {
    return Long.parseLong(strings(sql).get(0));
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
