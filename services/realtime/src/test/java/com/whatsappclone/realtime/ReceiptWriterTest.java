package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.realtime.MessageStatusStore.Outcome;
import com.whatsappclone.realtime.MessageStatusStore.Receipt;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptKind;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptRequest;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The receipt writer on its own, against the test database. */
@WithPostgres
class ReceiptWriterTest {

  private final TestDatabase db = RealtimeTestServer.newDatabase();
  private final Fixtures fixtures = new Fixtures(db);

  @Test
  void aFullQueueRefusesTheReceiptAndCloseWritesWhatWasQueued() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "queued", bob);
    ReceiptRequest ack = new ReceiptRequest(ReceiptKind.DELIVERED, UUID.fromString(stored.getMessageId()), chat, bob);
    // Not started: nothing takes from the queue of one.
    ReceiptWriter writer = new ReceiptWriter(new MessageStatusStore(dataSource(db.jdbcUrl())),
        Clock.systemUTC(), 1, ReceiptWriter.BATCH_LIMIT);
    Answers answers = new Answers();

    assertThat(writer.offer(ack, answers)).isTrue();
    assertThat(writer.offer(ack, answers)).as("the queue is full").isFalse();
    writer.close();

    assertThat(answers.written).extracting(Receipt::outcome).containsExactly(Outcome.UPDATED);
    assertThat(answers.written.get(0).senderId()).isEqualTo(alice.toString());
    assertThat(fixtures.deliveredAt(stored.getMessageId(), bob)).contains(answers.at.get(0));
    assertThat(writer.offer(ack, answers)).as("closed").isFalse();
  }

  @Test
  void aDatabaseFailureAnswersEveryReceiptOfTheBatchWithIt() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ReceiptWriter writer = new ReceiptWriter(
        new MessageStatusStore(dataSource("jdbc:postgresql://127.0.0.1:" + closedPort + "/none")),
        Clock.systemUTC(), 10, ReceiptWriter.BATCH_LIMIT);
    Answers answers = new Answers();
    UUID user = UUID.randomUUID();
    writer.offer(new ReceiptRequest(ReceiptKind.DELIVERED, UUID.randomUUID(), UUID.randomUUID(), user), answers);
    writer.offer(new ReceiptRequest(ReceiptKind.READ, UUID.randomUUID(), UUID.randomUUID(), user), answers);
    writer.close();

    assertThat(answers.written).isEmpty();
    assertThat(answers.failed).hasSize(2).allMatch(DatabaseException.class::isInstance);
    assertThat(writer.batches()).isEqualTo(1);
    assertThat(writer.receipts()).isEqualTo(2);
  }

  private PGSimpleDataSource dataSource(String url) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    dataSource.setUser(db.user());
    dataSource.setPassword(db.password());
    return dataSource;
  }

  /** What the writer told, in order (it answers on one thread: here the closing one). */
  private static final class Answers implements ReceiptWriter.Answer {
    final List<Receipt> written = new ArrayList<>();
    final List<Instant> at = new ArrayList<>();
    final List<RuntimeException> failed = new ArrayList<>();

    @Override
    public void written(Receipt receipt, Instant stamped) {
      written.add(receipt);
      at.add(stamped);
    }

    @Override
    public void failed(RuntimeException error) {
      failed.add(error);
    }
  }
}
