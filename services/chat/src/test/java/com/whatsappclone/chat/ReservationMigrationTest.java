package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * V51 on a database written before it: messages stored then lost their reservation (the worker
 * deleted it), so V51 gives them a stored one back; reservations still waiting keep theirs.
 */
@WithPostgres
class ReservationMigrationTest {

  @Test
  void aMessageStoredBeforeV51GetsAStoredReservationAndAWaitingOneStaysWaiting() throws Exception {
    TestDatabase database = PostgresExtension.newDatabase();
    Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(database.jdbcUrl(), database.user(), database.password())
        .locations(Migrations.LOCATION).target("50").load().migrate();
    UUID alice = UUID.randomUUID();
    UUID conversation = UUID.randomUUID();
    UUID stored = UUID.randomUUID();
    UUID waiting = UUID.randomUUID();
    try (Connection c = database.connect(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (id, phone_number) VALUES ('" + alice + "', '+10000000009')");
      s.execute("INSERT INTO conversations (id, created_at, is_group, group_name, last_seq) VALUES ('"
          + conversation + "', now(), true, 'g', 3)");
      s.execute("INSERT INTO messages (id, conversation_id, sender_id, content, client_message_id, created_at, seq)"
          + " VALUES ('" + stored + "', '" + conversation + "', '" + alice + "', 'kept', 'c-1', now(), 3)");
      s.execute("INSERT INTO pending_messages (conversation_id, client_message_id, message_id, sender_id,"
          + " content, created_at, published_at) VALUES ('" + conversation + "', 'c-2', '" + waiting + "', '"
          + alice + "', 'on its way', now(), now())");
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(database.jdbcUrl());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password());

    Migrations.migrate(dataSource);

    PendingMessageStore pending = new PendingMessageStore(dataSource);
    PendingMessageStore.Pending storedOne = pending.find(conversation, "c-1").orElseThrow();
    assertThat(storedOne.stored()).isTrue();
    assertThat(storedOne.message().id()).isEqualTo(stored);
    assertThat(storedOne.message().seq()).isEqualTo(3);
    assertThat(storedOne.message().content()).isEqualTo("kept");
    PendingMessageStore.Pending waitingOne = pending.find(conversation, "c-2").orElseThrow();
    assertThat(waitingOne.stored()).isFalse();
    assertThat(waitingOne.published()).isTrue();
    assertThat(waitingOne.message().id()).isEqualTo(waiting);
    try (Connection c = database.connect(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM pending_messages")) {
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(2);
    }
  }
}
