package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A device that connects again is sent the delivered / read changes to its user's messages made
 * while it was away (they are in the database, and the live events went nowhere).
 */
class ReceiptCatchUpTest extends RealtimeServerTest {

  @Test
  void aSenderReconnectingGetsTheReceiptsMadeWhileItWasAway() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID aliceLaptop = UUID.randomUUID();
    UUID conversation = fixtures.conversation(alice, bob);
    WsClient laptop = server.ws(server.token(alice, aliceLaptop));
    awaitCursor(aliceLaptop);
    MessageStored stored = fixtures.storeMessage(conversation, alice, "while you were away", bob);
    Instant leftAt = syncedAt(aliceLaptop);
    laptop.close();
    RealtimeTestServer.await(() -> syncedAt(aliceLaptop).isAfter(leftAt) ? 1 : 0, 1, "the disconnection recorded");

    WsClient bobPhone = server.ws(bob);
    String messageId = bobPhone.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId();
    bobPhone.sendJson("{\"ack\":{\"messageId\":\"" + messageId + "\",\"conversationId\":\"" + conversation + "\"}}");
    bobPhone.sendJson("{\"readReceipt\":{\"messageId\":\"" + messageId + "\",\"conversationId\":\"" + conversation + "\"}}");
    RealtimeTestServer.await(() -> fixtures.readAt(messageId, bob).isPresent() ? 1 : 0, 1, "bob's read receipt written");

    WsClient again = server.ws(server.token(alice, aliceLaptop));
    ServerEvent delivered = nextReceipt(again);
    ServerEvent read = nextReceipt(again);

    assertThat(delivered.getEventCase()).isEqualTo(EventCase.DELIVERED);
    assertThat(delivered.getDelivered().getMessageId()).isEqualTo(stored.getMessageId());
    assertThat(delivered.getDelivered().getConversationId()).isEqualTo(conversation.toString());
    assertThat(delivered.getDelivered().getUserId()).isEqualTo(bob.toString());
    assertThat(delivered.getDelivered().getDeliveredAt())
        .isEqualTo(Timestamps.format(fixtures.deliveredAt(messageId, bob).orElseThrow()));
    assertThat(read.getEventCase()).isEqualTo(EventCase.READ);
    assertThat(read.getRead().getMessageId()).isEqualTo(stored.getMessageId());
    assertThat(read.getRead().getUserId()).isEqualTo(bob.toString());
    assertThat(read.getRead().getReadAt()).isEqualTo(Timestamps.format(fixtures.readAt(messageId, bob).orElseThrow()));
    assertThat(again.eventsUntilPong()).filteredOn(event -> !event.hasPresence()).isEmpty();
    again.close();
    bobPhone.close();
  }

  @Test
  void aDeviceConnectingForTheFirstTimeIsSentNoPastReceipts() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID conversation = fixtures.conversation(alice, bob);
    MessageStored stored = fixtures.storeMessage(conversation, alice, "old news", bob);
    fixtures.update("UPDATE message_status SET delivered_at = now(), read_at = now() WHERE message_id = ?",
        UUID.fromString(stored.getMessageId()));
    UUID newPhone = UUID.randomUUID();

    WsClient phone = server.ws(server.token(alice, newPhone));
    awaitCursor(newPhone);

    assertThat(phone.eventsUntilPong()).filteredOn(event -> !event.hasPresence())
        .as("its history comes from ListMessages").isEmpty();
    phone.close();
  }

  @Test
  void receiptsOfAnotherUsersMessagesAreNotSent() throws Exception {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID conversation = fixtures.conversation(alice, bob);
    UUID bobTablet = UUID.randomUUID();
    WsClient tablet = server.ws(server.token(bob, bobTablet));
    awaitCursor(bobTablet);
    Instant connectedAt = syncedAt(bobTablet);
    tablet.close();
    RealtimeTestServer.await(() -> syncedAt(bobTablet).isAfter(connectedAt) ? 1 : 0, 1, "the disconnection recorded");
    // Bob is a member of a group where carol's message was read by alice: not his receipt.
    UUID group = fixtures.conversation(carol, bob, alice);
    MessageStored carols = fixtures.storeMessage(group, carol, "hi all", bob, alice);
    MessageStored alices = fixtures.storeMessage(conversation, alice, "to bob", bob);
    fixtures.update("UPDATE message_status SET delivered_at = now(), read_at = now() WHERE message_id IN (?, ?)",
        UUID.fromString(carols.getMessageId()), UUID.fromString(alices.getMessageId()));

    Instant before = syncedAt(bobTablet);
    WsClient again = server.ws(server.token(bob, bobTablet));
    // The cursor moves once the replay has sent everything: what it sent is in front of the pong.
    RealtimeTestServer.await(() -> syncedAt(bobTablet).isAfter(before) ? 1 : 0, 1, "bob's receipt catch-up done");
    List<ServerEvent> events = again.eventsUntilPong();

    assertThat(events).filteredOn(event -> event.hasDelivered() || event.hasRead()).isEmpty();
    again.close();
  }

  private static void awaitCursor(UUID device) {
    RealtimeTestServer.await(() -> fixtures.count(
        "SELECT count(*) FROM realtime_receipt_cursors WHERE session_id = ?", device), 1, "the device's receipt cursor");
  }

  private static Instant syncedAt(UUID device) {
    return fixtures.timestamp("SELECT synced_at FROM realtime_receipt_cursors WHERE session_id = ?", device).orElseThrow();
  }

  /** The next event other than presence and the catch-up's messages. */
  private static ServerEvent nextReceipt(WsClient device) {
    ServerEvent event = device.next();
    while (event.hasPresence() || event.hasNewMessage()) {
      event = device.next();
    }
    return event;
  }
}
