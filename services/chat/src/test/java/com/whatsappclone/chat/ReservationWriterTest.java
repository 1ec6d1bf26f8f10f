package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reservations made in group commits, on a real PostgreSQL. */
@WithPostgres
class ReservationWriterTest {

  static final int CALLERS = 32;

  static TestDatabase database;
  static SqlFixtures rows;
  static PendingMessageStore store;
  static ReservationWriter writer;
  static ExecutorService callers;

  UUID sender;
  UUID conversation;

  @BeforeAll
  static void start() {
    database = PostgresExtension.newDatabase();
    DataSource dataSource = database.dataSource();
    Migrations.migrate(dataSource);
    rows = new SqlFixtures(database);
    store = new PendingMessageStore(dataSource);
    writer = new ReservationWriter(store, 2, "test-reservations");
    callers = Executors.newFixedThreadPool(CALLERS);
  }

  @AfterAll
  static void stop() throws Exception {
    callers.shutdownNow();
    writer.close();
  }

  @BeforeEach
  void senderAndConversation() {
    sender = rows.newUser();
    conversation = rows.conversation(sender);
  }

  Message message(UUID conversationId, String clientMessageId) {
    return new Message(UUID.randomUUID(), conversationId, sender, "hello " + clientMessageId, null, null,
        clientMessageId, Instant.now().truncatedTo(ChronoUnit.MICROS), 0);
  }

  /** Every caller's reserve, started at once so that they meet in batches. */
  List<Future<Boolean>> reserveAtOnce(List<Message> messages) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> answers = new ArrayList<>();
    for (Message m : messages) {
      Callable<Boolean> call = () -> {
        go.await();
        return writer.reserve(m);
      };
      answers.add(callers.submit(call));
    }
    go.countDown();
    return answers;
  }

  @Test
  void concurrentSendsOfDifferentKeysAreEachReservedAndCommittedWhenAnswered() throws Exception {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      messages.add(message(conversation, "c-" + i));
    }

    List<Future<Boolean>> answers = reserveAtOnce(messages);

    for (int i = 0; i < CALLERS; i++) {
      assertThat(answers.get(i).get()).as("reservation %d", i).isTrue();
      // Answered after the commit: another connection sees the row.
      PendingMessageStore.Pending row = store.find(conversation, "c-" + i).orElseThrow();
      assertThat(row.message().id()).isEqualTo(messages.get(i).id());
      assertThat(row.message().content()).isEqualTo("hello c-" + i);
      assertThat(row.message().createdAt()).isEqualTo(messages.get(i).createdAt());
      assertThat(row.stored()).isFalse();
    }
  }

  @Test
  void ofConcurrentSendsWithOneClientMessageIdExactlyOneMakesTheReservation() throws Exception {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      messages.add(message(conversation, "same"));
    }

    List<Future<Boolean>> answers = reserveAtOnce(messages);

    List<UUID> winners = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      if (answers.get(i).get()) {
        winners.add(messages.get(i).id());
      }
    }
    assertThat(winners).hasSize(1);
    assertThat(store.find(conversation, "same").orElseThrow().message().id()).isEqualTo(winners.get(0));
  }

  @Test
  void aReservationTheDatabaseRefusesFailsOnlyItsOwnSend() throws Exception {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      // One of them names a conversation that does not exist (a foreign key violation).
      messages.add(message(i == CALLERS / 2 ? UUID.randomUUID() : conversation, "c-" + i));
    }

    List<Future<Boolean>> answers = reserveAtOnce(messages);

    for (int i = 0; i < CALLERS; i++) {
      Future<Boolean> answer = answers.get(i);
      if (i == CALLERS / 2) {
        assertThatThrownBy(answer::get).hasCauseInstanceOf(SQLException.class)
            .hasMessageContaining("pending_messages");
      } else {
        assertThat(answer.get()).as("reservation %d", i).isTrue();
        assertThat(store.find(conversation, "c-" + i)).isPresent();
      }
    }
  }

  @Test
  void inOneBatchTheFirstOfTwoSendsWithOneKeyMakesTheReservation() throws Exception {
    Message first = message(conversation, "twice");
    Message second = message(conversation, "twice");
    Message other = message(conversation, "once");

    Set<UUID> made = store.reserveAll(List.of(other, first, second));

    assertThat(made).containsExactlyInAnyOrder(first.id(), other.id());
    assertThat(store.reserveAll(List.of(message(conversation, "twice")))).isEmpty();
  }
}
