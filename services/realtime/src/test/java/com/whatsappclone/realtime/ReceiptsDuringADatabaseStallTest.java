package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.realtime.MessageStatusStore.Outcome;
import com.whatsappclone.realtime.MessageStatusStore.Receipt;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptKind;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptRequest;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.StallablePostgres;
import com.whatsappclone.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acks that arrive while PostgreSQL is stopped (SIGSTOP) wait in the writer and are written once it
 * answers again, instead of being answered DATABASE_UNAVAILABLE (which left the message
 * undelivered in the database, its sender without a tick, until the client sent the ack again).
 * On a private server, so that stalling it disturbs no other test.
 */
class ReceiptsDuringADatabaseStallTest {

  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);

  private static StallablePostgres postgres;
  private static TestDatabase db;
  private static Database database;

  @BeforeAll
  static void start() throws Exception {
    postgres = StallablePostgres.start();
    db = postgres.createDatabase("receipt_stall_test");
    database = Database.start(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password())
        .withMaxPoolSize(2).withMigrateOnStart(false).withStallTimeout(STALL_TIMEOUT), "receipt-stall-test");
    Migrations.migrate(database.dataSource());
  }

  @AfterAll
  static void stop() throws Exception {
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void anAckThatArrivesDuringAStallIsWrittenOnceTheDatabaseAnswersAndNeverAnsweredWithAnError()
      throws Exception {
    Fixtures fixtures = new Fixtures(db);
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "during the stall", bob);
    ReceiptWriter writer = new ReceiptWriter(new MessageStatusStore(database.dataSource()), Clock.systemUTC(),
        ReceiptWriter.QUEUE_LIMIT, ReceiptWriter.BATCH_LIMIT).start();
    ReceiptWriterTest.Answers answers = new ReceiptWriterTest.Answers();
    try {
      postgres.stall();
      try {
        writer.offer(new PendingReceipts(10),
            new ReceiptRequest(ReceiptKind.DELIVERED, UUID.fromString(stored.getMessageId()), chat, bob), answers);
        // Long enough for several tries to fail: each waits at most the stall timeout.
        Thread.sleep(STALL_TIMEOUT.multipliedBy(3).toMillis());
        assertThat(answers.failed).as("no error answered during the stall").isEmpty();
        assertThat(answers.written).isEmpty();
      } finally {
        postgres.resume();
      }
      Eventually.await("the ack written after the stall", () -> answers.written.size(), n -> n == 1);
      assertThat(answers.written).extracting(Receipt::outcome).containsExactly(Outcome.UPDATED);
      assertThat(answers.failed).isEmpty();
      assertThat(fixtures.deliveredAt(stored.getMessageId(), bob)).isPresent();
    } finally {
      writer.close();
    }
  }
}
