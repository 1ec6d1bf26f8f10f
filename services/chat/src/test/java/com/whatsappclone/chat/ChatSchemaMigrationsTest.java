package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat migrations (V30-V34) on a database that already holds data written the original's way
 * (schema at V5): nothing is lost, and the new columns are filled in sensibly.
 */
@WithPostgres
class ChatSchemaMigrationsTest {

  private static final UUID ALICE = UUID.randomUUID();
  private static final UUID BOB = UUID.randomUUID();
  private static final UUID CAROL = UUID.randomUUID();
  private static final UUID DIRECT = UUID.randomUUID();
  private static final UUID DUPLICATE_DIRECT = UUID.randomUUID();
  private static final UUID GROUP = UUID.randomUUID();
  private static final UUID FIRST = UUID.randomUUID();
  private static final UUID SECOND = UUID.randomUUID();
  private static final UUID THIRD = UUID.randomUUID();

  private static TestDatabase database;

  @BeforeAll
  static void migrateADatabaseWithOriginalData() throws Exception {
    database = PostgresExtension.newDatabase();
    Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(database.jdbcUrl(), database.user(), database.password())
        .locations(Migrations.LOCATION)
        .target("5")
        .load()
        .migrate();
    try (Connection c = database.connect(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (id, phone_number) VALUES ('" + ALICE + "', '+10000000001'),"
          + " ('" + BOB + "', '+10000000002'), ('" + CAROL + "', '+10000000003')");
      s.execute("INSERT INTO conversations (id, created_at) VALUES"
          + " ('" + DIRECT + "', '2020-01-01 10:00:00'), ('" + DUPLICATE_DIRECT + "', '2020-01-02 10:00:00')");
      s.execute("INSERT INTO conversations (id, created_at, is_group, group_name) VALUES"
          + " ('" + GROUP + "', '2020-01-03 10:00:00', true, 'old group')");
      s.execute("INSERT INTO conversation_participants (conversation_id, user_id, joined_at) VALUES"
          + " ('" + DIRECT + "', '" + ALICE + "', '2020-01-01 10:00:00'),"
          + " ('" + DIRECT + "', '" + BOB + "', '2020-01-01 10:00:00'),"
          + " ('" + DUPLICATE_DIRECT + "', '" + ALICE + "', '2020-01-02 10:00:00'),"
          + " ('" + DUPLICATE_DIRECT + "', '" + BOB + "', '2020-01-02 10:00:00'),"
          + " ('" + GROUP + "', '" + CAROL + "', '2020-01-03 10:00:05'),"
          + " ('" + GROUP + "', '" + BOB + "', '2020-01-03 10:00:00'),"
          + " ('" + GROUP + "', '" + ALICE + "', '2020-01-03 10:00:09')");
      // inserted out of time order on purpose
      s.execute("INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES"
          + " ('" + THIRD + "', '" + DIRECT + "', '" + BOB + "', 'third', '2020-01-01 12:00:03'),"
          + " ('" + FIRST + "', '" + DIRECT + "', '" + ALICE + "', 'first', '2020-01-01 12:00:01'),"
          + " ('" + SECOND + "', '" + DIRECT + "', '" + BOB + "', 'second', '2020-01-01 12:00:02')");
      s.execute("INSERT INTO message_status (message_id, user_id, delivered_at) VALUES"
          + " ('" + FIRST + "', '" + BOB + "', '2020-01-01 12:00:04')");
    }
    org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
    dataSource.setURL(database.jdbcUrl());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password());
    Migrations.migrate(dataSource);
  }

  @Test
  void existingMessagesAreNumberedByCreationTimeAndTheCounterContinuesFromThere() throws Exception {
    assertThat(strings("SELECT seq || ':' || content FROM messages WHERE conversation_id = '" + DIRECT
        + "' ORDER BY seq")).containsExactly("1:first", "2:second", "3:third");
    assertThat(strings("SELECT last_seq || ' ' || to_char(last_message_at AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD HH24:MI:SS') FROM conversations WHERE id = '" + DIRECT + "'"))
        .containsExactly("3 2020-01-01 12:00:03");

    // a writer that does not number its message gets the next seq from the trigger
    execute("INSERT INTO messages (id, conversation_id, sender_id, content) VALUES ('" + UUID.randomUUID()
        + "', '" + DIRECT + "', '" + ALICE + "', 'fourth')");
    assertThat(strings("SELECT seq || ':' || content FROM messages WHERE conversation_id = '" + DIRECT
        + "' ORDER BY seq DESC LIMIT 1")).containsExactly("4:fourth");
    assertThat(strings("SELECT last_seq::text FROM conversations WHERE id = '" + DIRECT + "'"))
        .containsExactly("4");
  }

  @Test
  void oldTimestampsAreReadAsUtc() throws Exception {
    try (Connection c = database.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT created_at FROM conversations WHERE id = '" + DIRECT + "'")) {
      rs.next();
      assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2020-01-01T10:00:00Z"));
    }
    try (Connection c = database.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT delivered_at FROM message_status WHERE message_id = '" + FIRST + "'")) {
      rs.next();
      assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2020-01-01T12:00:04Z"));
    }
  }

  @Test
  void theOldestOneToOneConversationOfAPairBecomesThePairsConversation() throws Exception {
    assertThat(strings("SELECT id || ' ' || COALESCE(direct_pair, '-') FROM conversations"
        + " WHERE NOT is_group ORDER BY created_at")).containsExactly(
        DIRECT + " " + ConversationStore.directPair(ALICE, BOB), DUPLICATE_DIRECT + " -");
  }

  @Test
  void theLongestStandingMemberOfAnOldGroupBecomesItsAdmin() throws Exception {
    assertThat(strings("SELECT user_id || ' ' || role FROM conversation_participants"
        + " WHERE conversation_id = '" + GROUP + "' ORDER BY joined_at"))
        .containsExactly(BOB + " admin", CAROL + " member", ALICE + " member");
    assertThat(strings("SELECT DISTINCT role FROM conversation_participants WHERE conversation_id = '"
        + DIRECT + "'")).containsExactly("member");
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = database.connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
