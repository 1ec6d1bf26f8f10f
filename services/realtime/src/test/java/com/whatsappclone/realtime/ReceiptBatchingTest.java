package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.Error;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Acks and read receipts of all connections are written in group commits. To make a batch
 * observable without timing, the test holds a lock on the row of a first ack: its transaction
 * waits, the receipts sent meanwhile queue up and the next transaction takes them all.
 */
class ReceiptBatchingTest extends RealtimeServerTest {

  private static final int DEVICES = 20;
  /** REALTIME_INBOUND_PENDING_LIMIT of the test server (the default): frames, not receipts. */
  private static final int INBOX_LIMIT = 64;

  @Test
  void acksFromManyConnectionsAreWrittenInFewerTransactionsThanAcks() throws Exception {
    UUID alice = fixtures.newUser();
    WsClient aliceDevice = server.ws(alice);
    List<Recipient> recipients = new ArrayList<>();
    for (int i = 0; i < DEVICES; i++) {
      recipients.add(recipientOf(alice, "batch " + i));
    }
    ReceiptWriter writer = server.servers.receipts();
    long batchesBefore = writer.batches();
    long receiptsBefore = writer.receipts();

    try (RowLock lock = RowLock.on(recipients.get(0))) {
      recipients.get(0).ack();
      lock.awaitWaiter();
      recipients.subList(1, DEVICES).forEach(Recipient::ack);
      RealtimeTestServer.await(writer::queued, DEVICES - 1, "acks queued behind the locked batch");
    }

    List<String> deliveredBy = new ArrayList<>();
    for (int i = 0; i < DEVICES; i++) {
      deliveredBy.add(aliceDevice.next(EventCase.DELIVERED).getDelivered().getUserId());
    }
    assertThat(deliveredBy).containsExactlyInAnyOrderElementsOf(
        recipients.stream().map(recipient -> recipient.user.toString()).toList());
    assertThat(writer.receipts() - receiptsBefore).isEqualTo(DEVICES);
    assertThat(writer.batches() - batchesBefore).as("the locked one, then all the others at once").isEqualTo(2);
    for (Recipient recipient : recipients) {
      assertThat(fixtures.deliveredAt(recipient.stored.getMessageId(), recipient.user)).isPresent();
    }
    closeAll(aliceDevice, recipients);
  }

  @Test
  void oneBatchKeepsEachReceiptsOutcomeAndOrder() throws Exception {
    UUID alice = fixtures.newUser();
    WsClient aliceDevice = server.ws(alice);
    Recipient blocker = recipientOf(alice, "held");
    Recipient acksThenReads = recipientOf(alice, "ack, then read");
    Recipient acksTwice = recipientOf(alice, "ack twice");
    Recipient readsOnly = recipientOf(alice, "read without ack");
    Recipient readsThenAcks = recipientOf(alice, "read, then ack");
    UUID mallory = fixtures.newUser();
    WsClient malloryDevice = server.ws(mallory);
    ReceiptWriter writer = server.servers.receipts();
    long batchesBefore = writer.batches();

    try (RowLock lock = RowLock.on(blocker)) {
      blocker.ack();
      lock.awaitWaiter();
      acksThenReads.ack();
      acksTwice.ack();
      malloryDevice.sendJson(ackJson(blocker.stored.getMessageId(), blocker.conversation));
      acksTwice.ack();
      readsOnly.read();
      readsThenAcks.read();
      readsThenAcks.ack();
      acksThenReads.read();
      // A pong comes after the frames before it were taken: all eight are waiting now.
      for (WsClient device : List.of(acksThenReads.device, acksTwice.device, malloryDevice,
          readsOnly.device, readsThenAcks.device)) {
        assertThat(device.eventsUntilPong()).isEmpty();
      }
      // Eight frames, five distinct receipts: one connection's receipts of one message fold
      // into one (the second ack into the first, the ack and the read into the read).
      assertThat(writer.queued()).isEqualTo(5);
    }

    Error notFound = malloryDevice.next(EventCase.ERROR).getError();
    assertThat(notFound.getCode()).isEqualTo("NOT_FOUND");
    assertThat(notFound.getReason()).isEqualTo("MESSAGE_NOT_FOUND");
    assertThat(notFound.getMessage()).isEqualTo("ack.message_id: no such message for you in this conversation");

    // Connections race each other into the queue; one connection's receipts keep their order.
    Map<String, List<String>> toldAbout = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      ServerEvent event = nextReceipt(aliceDevice);
      String user = event.hasDelivered() ? event.getDelivered().getUserId() : event.getRead().getUserId();
      toldAbout.computeIfAbsent(user, u -> new ArrayList<>()).add(event.getEventCase().name());
    }
    assertThat(toldAbout).containsOnly(
        entry(blocker.user.toString(), List.of("DELIVERED")),
        entry(acksThenReads.user.toString(), List.of("DELIVERED", "READ")),
        entry(acksTwice.user.toString(), List.of("DELIVERED")),
        entry(readsOnly.user.toString(), List.of("DELIVERED", "READ")),
        entry(readsThenAcks.user.toString(), List.of("DELIVERED", "READ")));
    assertThat(aliceDevice.eventsUntilPong()).filteredOn(event -> !event.hasPresence()).as("the second ack and the ack after the read changed nothing").isEmpty();
    assertThat(writer.batches() - batchesBefore).isEqualTo(2);
    assertThat(fixtures.count("SELECT count(*) FROM message_status WHERE message_id = ? AND user_id = ?",
        UUID.fromString(blocker.stored.getMessageId()), mallory)).as("mallory's ack wrote nothing").isZero();
    assertThat(malloryDevice.eventsUntilPong()).isEmpty();
    closeAll(aliceDevice, List.of(blocker, acksThenReads, acksTwice, readsOnly, readsThenAcks));
    malloryDevice.close();
  }

  @Test
  void acksOfACatchUpBurstFarBeyondTheInboxLimitAreAllWrittenAndNoneRefused() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID conversation = fixtures.conversation(alice, bob);
    int burst = 3 * INBOX_LIMIT;
    List<MessageStored> missed = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      missed.add(fixtures.storeMessage(conversation, alice, "missed " + i, bob));
    }
    WsClient aliceDevice = server.ws(alice);
    ReceiptWriter writer = server.servers.receipts();
    long batchesBefore = writer.batches();

    Recipient first = new Recipient(bob, conversation, server.ws(bob), missed.get(0));
    try (RowLock lock = RowLock.on(first)) {
      // Bob acks every message as the catch-up brings it, and once more, while the first
      // batch waits: far more receipts than his inbox holds frames.
      for (int i = 0; i < burst; i++) {
        String id = first.device.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId();
        first.device.sendJson(ackJson(id, conversation));
        if (i == 0) {
          lock.awaitWaiter();
        }
        first.device.sendJson(ackJson(id, conversation));
      }
      // The second ack of message 0 came after its first was taken: it waits on its own.
      RealtimeTestServer.await(writer::queued, burst, "the acks behind the locked one, once each");
    }

    List<String> delivered = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      delivered.add(nextReceipt(aliceDevice).getDelivered().getMessageId());
    }
    assertThat(delivered).containsExactlyInAnyOrderElementsOf(missed.stream().map(MessageStored::getMessageId).toList());
    assertThat(first.device.eventsUntilPong()).filteredOn(event -> !event.hasPresence()).as("no ack was refused").isEmpty();
    assertThat(writer.batches() - batchesBefore).as("the locked one, then the rest together").isEqualTo(2);
    assertThat(fixtures.count("SELECT count(*) FROM message_status ms JOIN messages m ON m.id = ms.message_id"
        + " WHERE m.conversation_id = ? AND ms.user_id = ? AND ms.delivered_at IS NULL", conversation, bob)).isZero();
    closeAll(aliceDevice, List.of(first));
  }

  /** The next event other than presence (the recipients coming online are alice's contacts). */
  private static ServerEvent nextReceipt(WsClient device) {
    ServerEvent event = device.next();
    while (event.hasPresence()) {
      event = device.next();
    }
    return event;
  }

  /** A user with a connected device who received a message from {@code sender}. */
  private static Recipient recipientOf(UUID sender, String content) {
    UUID user = fixtures.newUser();
    UUID conversation = fixtures.conversation(sender, user);
    WsClient device = server.ws(user);
    MessageStored stored = fixtures.storeMessage(conversation, sender, content, user);
    server.publish(stored);
    device.next(EventCase.NEW_MESSAGE);
    return new Recipient(user, conversation, device, stored);
  }

  private record Recipient(UUID user, UUID conversation, WsClient device, MessageStored stored) {
    void ack() {
      device.sendJson(ackJson(stored.getMessageId(), conversation));
    }

    void read() {
      device.sendJson("{\"readReceipt\":{\"messageId\":\"" + stored.getMessageId()
          + "\",\"conversationId\":\"" + conversation + "\"}}");
    }
  }

  private static String ackJson(String messageId, UUID conversation) {
    return "{\"ack\":{\"messageId\":\"" + messageId + "\",\"conversationId\":\"" + conversation + "\"}}";
  }

  private static void closeAll(WsClient sender, List<Recipient> recipients) {
    sender.close();
    recipients.forEach(recipient -> recipient.device.close());
  }

  /** A transaction holding one message_status row; committing it lets the waiting batch go on. */
  private static final class RowLock implements AutoCloseable {
    private final Connection connection;

    private RowLock(Connection connection) {
      this.connection = connection;
    }

    static RowLock on(Recipient recipient) throws SQLException {
      Connection connection = server.db.connect();
      connection.setAutoCommit(false);
      try (PreparedStatement lock = connection.prepareStatement(
          "SELECT 1 FROM message_status WHERE message_id = ? AND user_id = ? FOR UPDATE")) {
        lock.setObject(1, UUID.fromString(recipient.stored.getMessageId()));
        lock.setObject(2, recipient.user);
        lock.executeQuery().close();
      }
      return new RowLock(connection);
    }

    /** Until the writer's transaction waits for this lock. */
    void awaitWaiter() {
      RealtimeTestServer.await(() -> fixtures.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"),
          1, "the receipt batch waiting for the row lock");
    }

    @Override
    public void close() throws SQLException {
      try {
        connection.commit();
      } finally {
        connection.close();
      }
    }
  }
}
