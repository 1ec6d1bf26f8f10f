package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.realtime.MessageStatusStore.Outcome;
import com.whatsappclone.realtime.MessageStatusStore.Receipt;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptKind;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptRequest;
import com.whatsappclone.realtime.ReceiptWriter.Offered;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The receipt writer on its own, against the test database. */
@WithPostgres
class ReceiptWriterTest {

  private final TestDatabase db = RealtimeTestServer.newDatabase();
  private final Fixtures fixtures = new Fixtures(db);

  @Test
  void aFullServerQueueRefusesTheReceiptAndCloseWritesWhatWasQueued() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "queued", bob);
    MessageStored other = fixtures.storeMessage(chat, alice, "refused", bob);
    ReceiptRequest ack = new ReceiptRequest(ReceiptKind.DELIVERED, UUID.fromString(stored.getMessageId()), chat, bob);
    ReceiptRequest otherAck = new ReceiptRequest(ReceiptKind.DELIVERED, UUID.fromString(other.getMessageId()), chat, bob);
    // Not started: nothing takes from the queue of one.
    ReceiptWriter writer = new ReceiptWriter(new MessageStatusStore(dataSource(db.jdbcUrl())),
        Clock.systemUTC(), 1, ReceiptWriter.BATCH_LIMIT);
    PendingReceipts connection = new PendingReceipts(10);
    Answers answers = new Answers();

    assertThat(writer.offer(connection, ack, answers)).isEqualTo(Offered.QUEUED);
    assertThat(writer.offer(connection, ack, answers)).as("the same receipt again folds into the first").isEqualTo(Offered.QUEUED);
    assertThat(writer.offer(connection, otherAck, answers)).as("the server's queue is full").isEqualTo(Offered.SERVER_FULL);
    assertThat(writer.queued()).isEqualTo(1);
    writer.close();

    assertThat(answers.written).extracting(Receipt::outcome).containsExactly(Outcome.UPDATED);
    assertThat(answers.written.get(0).senderId()).isEqualTo(alice.toString());
    assertThat(fixtures.deliveredAt(stored.getMessageId(), bob)).contains(answers.at.get(0));
    assertThat(fixtures.deliveredAt(other.getMessageId(), bob)).isEmpty();
    assertThat(writer.offer(connection, otherAck, answers)).as("closed").isEqualTo(Offered.SERVER_FULL);
  }

  @Test
  void aConnectionsReceiptsAreCoalescedByMessageAndBoundedByItsLimit() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    List<UUID> messages = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      messages.add(UUID.fromString(fixtures.storeMessage(chat, alice, "m" + i, bob).getMessageId()));
    }
    ReceiptWriter writer = new ReceiptWriter(new MessageStatusStore(dataSource(db.jdbcUrl())),
        Clock.systemUTC(), ReceiptWriter.QUEUE_LIMIT, ReceiptWriter.BATCH_LIMIT);
    PendingReceipts connection = new PendingReceipts(2);
    Answers answers = new Answers();

    for (int i = 0; i < 100; i++) {
      assertThat(writer.offer(connection, new ReceiptRequest(ReceiptKind.DELIVERED, messages.get(0), chat, bob), answers))
          .isEqualTo(Offered.QUEUED);
    }
    assertThat(writer.offer(connection, new ReceiptRequest(ReceiptKind.READ, messages.get(0), chat, bob), answers))
        .as("a read receipt absorbs the waiting ack").isEqualTo(Offered.QUEUED);
    assertThat(writer.offer(connection, new ReceiptRequest(ReceiptKind.DELIVERED, messages.get(1), chat, bob), answers))
        .isEqualTo(Offered.QUEUED);
    assertThat(writer.offer(connection, new ReceiptRequest(ReceiptKind.DELIVERED, messages.get(2), chat, bob), answers))
        .as("a third distinct message is past the connection's limit of 2").isEqualTo(Offered.CONNECTION_FULL);
    assertThat(connection.size()).isEqualTo(2);
    assertThat(writer.queued()).isEqualTo(2);
    writer.close();

    assertThat(answers.requests).extracting(ReceiptRequest::kind, ReceiptRequest::messageId)
        .containsExactly(tuple(ReceiptKind.READ, messages.get(0)), tuple(ReceiptKind.DELIVERED, messages.get(1)));
    assertThat(answers.written).extracting(Receipt::outcome).containsOnly(Outcome.UPDATED);
    assertThat(answers.written.get(0).newlyDelivered()).as("the read also set delivered_at").isTrue();
    assertThat(fixtures.deliveredAt(messages.get(0).toString(), bob)).isPresent();
    assertThat(fixtures.deliveredAt(messages.get(2).toString(), bob)).isEmpty();
    assertThat(writer.batches()).isEqualTo(1);
    assertThat(connection.size()).isZero();
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
    PendingReceipts connection = new PendingReceipts(10);
    UUID user = UUID.randomUUID();
    writer.offer(connection, new ReceiptRequest(ReceiptKind.DELIVERED, UUID.randomUUID(), UUID.randomUUID(), user), answers);
    writer.offer(connection, new ReceiptRequest(ReceiptKind.READ, UUID.randomUUID(), UUID.randomUUID(), user), answers);
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
  /** What the writer answered; read by tests while the writer's thread may still add. */
  static final class Answers implements ReceiptWriter.Answer {
    final List<ReceiptRequest> requests = new CopyOnWriteArrayList<>();
    final List<Receipt> written = new CopyOnWriteArrayList<>();
    final List<Instant> at = new CopyOnWriteArrayList<>();
    final List<RuntimeException> failed = new CopyOnWriteArrayList<>();

    @Override
    public void written(ReceiptRequest request, Receipt receipt, Instant stamped) {
      requests.add(request);
      written.add(receipt);
      at.add(stamped);
    }

    @Override
    public void failed(ReceiptRequest request, RuntimeException error) {
      failed.add(error);
    }
  }
}
