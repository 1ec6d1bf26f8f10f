package com.whatsappclone.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.testing.OriginalGoSchema;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Start-up against a database that the original Go backend's migrations built: taken over with
 * every row kept, or, in any state this project cannot be sure of, refused with nothing changed.
 */
@WithPostgres
class SchemaTakeoverTest {

  private static final String ALICE = "11111111-1111-4111-8111-111111111111";
  private static final String BOB = "22222222-2222-4222-8222-222222222222";
  private static final String CHAT = "33333333-3333-4333-8333-333333333333";
  private static final String FIRST = "44444444-4444-4444-8444-444444444444";
  private static final String SECOND = "55555555-5555-4555-8555-555555555555";

  @Test
  void databaseBuiltByGolangMigrateIsTakenOverKeepingEveryRow() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    seed(db);

    int applied = migrate(db);

    assertThat(applied).isGreaterThan(0);
    assertThat(Catalog.query(db, "SELECT version || ' ' || type || ' ' || description FROM flyway_schema_history "
        + "ORDER BY installed_rank LIMIT 1"))
        .containsExactly("5 BASELINE taken over: built by the original Go backend (golang-migrate version 4)");
    assertThat(Catalog.query(db, "SELECT count(*) FROM flyway_schema_history WHERE NOT success")).containsExactly("0");
    assertRowsKept(db);
    assertThat(Catalog.query(db, "SELECT version || ' ' || dirty FROM schema_migrations"))
        .as("golang-migrate's table is left as it was").containsExactly("4 false");
  }

  @Test
  void databaseBuiltWithThePsqlStepsIsTakenOverToo() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.applySteps(db, OriginalGoSchema.LAST_VERSION);
    seed(db);

    migrate(db);

    assertThat(Catalog.query(db, "SELECT description FROM flyway_schema_history WHERE type = 'BASELINE'"))
        .containsExactly("taken over: built by the original Go backend (its SQL files applied without golang-migrate)");
    assertRowsKept(db);
    assertThat(migrate(db)).as("a second start has nothing left to do").isZero();
  }

  @Test
  void servicesStartingAtOnceTakeTheDatabaseOverOnce() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    seed(db);
    ExecutorService services = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> starts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        starts.add(services.submit(() -> migrate(db)));
      }
      int total = 0;
      for (Future<Integer> start : starts) {
        total += start.get();
      }
      assertThat(total).as("each migration applied by exactly one of them")
          .isEqualTo(Integer.parseInt(Catalog.query(db,
              "SELECT count(*) FROM flyway_schema_history WHERE type = 'SQL'").get(0)));
    } finally {
      services.shutdownNow();
    }
    assertThat(Catalog.query(db, "SELECT count(*) FROM flyway_schema_history WHERE type = 'BASELINE'"))
        .containsExactly("1");
    assertRowsKept(db);
  }

  @Test
  void dirtyGolangMigrateStateIsRefusedUntouched() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.applySteps(db, 2);
    // 0003 failed after its first table, as golang-migrate leaves it: version 3, dirty.
    OriginalGoSchema.execute(db, "CREATE TABLE conversations (id uuid PRIMARY KEY, created_at timestamp NOT NULL)");
    OriginalGoSchema.recordVersion(db, 3, true);

    assertRefusedUntouched(db, "left dirty by golang-migrate at version 3", "migrate ... force");
  }

  @Test
  void golangMigrateBehindTheOriginalsLastVersionIsRefused() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, 2);

    assertRefusedUntouched(db, "is at golang-migrate version 2 of the original Go backend's 4 migrations",
        "migrate -path migrations -database <url> up");
  }

  @Test
  void golangMigrateVersionTheOriginalNeverHadIsRefused() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    OriginalGoSchema.recordVersion(db, 5, false);

    assertRefusedUntouched(db, "is at golang-migrate version 5, which the original Go backend never had");
  }

  @Test
  void unknownTableBesideTheOriginalsIsRefused() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    OriginalGoSchema.execute(db, "CREATE TABLE call_logs (id uuid PRIMARY KEY)");

    assertRefusedUntouched(db, "not part of the original's schema: table call_logs");
  }

  @Test
  void changedColumnOfTheOriginalIsRefused() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    OriginalGoSchema.execute(db, "ALTER TABLE users ALTER COLUMN phone_number TYPE text; "
        + "ALTER TABLE users ADD COLUMN nickname text");

    assertRefusedUntouched(db, "column users.nickname",
        "users.phone_number is text (the original's is character varying(20))");
  }

  @Test
  void halfAppliedOriginalWithoutGolangMigrateIsRefused() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    // What following the original README's psql steps gave: 0001 and 0002 only.
    OriginalGoSchema.applySteps(db, 2);

    assertRefusedUntouched(db, "holds part of the original Go backend's schema",
        "table conversation_participants, table conversations, table message_status, table messages "
            + "(the original's 0003_chat_schema.up.sql)",
        "column conversations.group_name, column conversations.is_group (the original's 0004_add_group_support.up.sql)");
  }

  @Test
  void schemaOfSomethingElseIsRefused() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.execute(db, "CREATE TABLE accounts (id bigint PRIMARY KEY); "
        + "CREATE VIEW active_accounts AS SELECT id FROM accounts");

    assertRefusedUntouched(db, "is not the original Go backend's schema either",
        "table accounts", "view active_accounts");
  }

  @Test
  void rowsThatThisProjectsConstraintsWouldRefuseStopTheTakeover() throws Exception {
    TestDatabase db = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    seed(db);
    OriginalGoSchema.execute(db, "UPDATE user_devices SET device_type = 'ios'");

    assertRefusedUntouched(db, "user_devices.device_type holds 'ios' (1 rows) where this project accepts "
        + "mobile, web, desktop or NULL");
  }

  /** Users, a session, a one-to-one conversation with two messages and a receipt, a block. */
  private static void seed(TestDatabase db) {
    OriginalGoSchema.execute(db, "INSERT INTO users (id, phone_number, display_name) VALUES "
        + "('" + ALICE + "', '+15550100001', 'Alice'), ('" + BOB + "', '+15550100002', NULL); "
        + "INSERT INTO user_devices (user_id, refresh_token_hash, device_name, last_login_at) VALUES "
        + "('" + ALICE + "', repeat('a', 64), 'pixel', now()); "
        + "INSERT INTO blocked_users (blocker_user_id, blocked_user_id) VALUES ('" + BOB + "', '" + ALICE + "'); "
        + "INSERT INTO conversations (id, created_at) VALUES ('" + CHAT + "', '2024-05-01 09:00:00'); "
        + "INSERT INTO conversation_participants (conversation_id, user_id) VALUES "
        + "('" + CHAT + "', '" + ALICE + "'), ('" + CHAT + "', '" + BOB + "'); "
        + "INSERT INTO messages (id, conversation_id, sender_id, content, client_message_id, created_at) VALUES "
        + "('" + SECOND + "', '" + CHAT + "', '" + BOB + "', 'hi Alice', 'c2', '2024-05-01 09:01:00'), "
        + "('" + FIRST + "', '" + CHAT + "', '" + ALICE + "', 'hi Bob', 'c1', '2024-05-01 09:00:30'); "
        + "INSERT INTO message_status (message_id, user_id, delivered_at) VALUES "
        + "('" + FIRST + "', '" + BOB + "', '2024-05-01 09:00:31')");
  }

  private static void assertRowsKept(TestDatabase db) throws SQLException {
    assertThat(Catalog.query(db, "SELECT phone_number || ' ' || coalesce(display_name, '-') FROM users ORDER BY 1"))
        .containsExactly("+15550100001 Alice", "+15550100002 -");
    assertThat(Catalog.query(db, "SELECT device_name || ' ' || (revoked_at IS NULL) FROM user_devices"))
        .containsExactly("pixel true");
    assertThat(Catalog.query(db, "SELECT count(*) FROM blocked_users")).containsExactly("1");
    // The chat timestamps were UTC by the original's convention and stay the same instants.
    assertThat(Catalog.query(db, "SELECT seq || ' ' || content || ' ' "
        + "|| to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM messages ORDER BY seq"))
        .containsExactly("1 hi Bob 2024-05-01 09:00:30", "2 hi Alice 2024-05-01 09:01:00");
    assertThat(Catalog.query(db, "SELECT last_seq || ' ' || direct_pair FROM conversations"))
        .containsExactly("2 " + ALICE + ":" + BOB);
    assertThat(Catalog.query(db, "SELECT count(*) FROM message_status WHERE delivered_at IS NOT NULL"))
        .containsExactly("1");
  }

  private static int migrate(TestDatabase db) {
    try (Database database = new Database(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()), "takeover-test")) {
      return Migrations.migrate(database.dataSource());
    }
  }

  private static void assertRefusedUntouched(TestDatabase db, String... messageParts) throws SQLException {
    List<String> catalogBefore = Catalog.describe(db);
    List<String> tablesBefore = Catalog.tables(db);
    List<String> versionBefore = tablesBefore.contains("schema_migrations")
        ? Catalog.query(db, "SELECT version || ' ' || dirty FROM schema_migrations") : List.of();

    assertThatThrownBy(() -> migrate(db))
        .isInstanceOf(UnrecognisedSchemaException.class)
        .hasMessageContainingAll(messageParts)
        .hasMessageEndingWith("Nothing in the database was changed.");

    assertThat(Catalog.tables(db)).as("no table added, Flyway's history included").isEqualTo(tablesBefore);
    assertThat(Catalog.describe(db)).isEqualTo(catalogBefore);
    if (!versionBefore.isEmpty()) {
      assertThat(Catalog.query(db, "SELECT version || ' ' || dirty FROM schema_migrations")).isEqualTo(versionBefore);
    }
  }
}
