package com.whatsappclone.realtime;

import static com.whatsappclone.realtime.PresencePrivacyTest.awaitConnectAnnounced;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.MessageAck;
import com.whatsappclone.proto.realtime.ReadReceipt;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.proto.realtime.TypingIndicator;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Typing is not sent to the members the typist blocked; read receipts off (the reader's or the
 * sender's) keep READ from the sender, live and in the receipt catch-up, while "delivered" still
 * comes; through both doors.
 */
class TypingAndReceiptPrivacyTest extends RealtimeServerTest {


  @Test
  void typingInAGroupDoesNotReachTheMemberTheTypistBlocked() {
    UUID alice = fixtures.newUser();
    UUID blocked = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID group = fixtures.conversation(alice, blocked, carol);
    fixtures.block(alice, blocked);
    WsClient aliceDevice = server.ws(alice);
    StreamClient blockedStream = server.grpc(blocked);
    WsClient carolDevice = server.ws(carol);
    blockedStream.eventsUntilPong();
    carolDevice.eventsUntilPong();

    aliceDevice.sendJson(typingJson(group));
    assertThat(carolDevice.next(EventCase.TYPING).getTyping().getUserId()).isEqualTo(alice.toString());
    awaitConnectAnnounced(aliceDevice); // alice's frames run in order: her typing was fanned out

    assertThat(blockedStream.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);
    closeAll(aliceDevice, carolDevice);
    blockedStream.close();
  }

  @Test
  void typingOverTheStreamDoesNotReachABlockedPeerButTheBlockedPeersTypingStillShows() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    fixtures.block(alice, bob);
    StreamClient aliceStream = server.grpc(alice);
    WsClient bobDevice = server.ws(bob);
    aliceStream.eventsUntilPong();
    bobDevice.eventsUntilPong();

    aliceStream.send(ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
        .setConversationId(chat.toString()).setIsTyping(true)).build());
    awaitConnectAnnounced(aliceStream);
    assertThat(bobDevice.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);

    // Relationship.seesTyping is the typist's block list: bob did not block alice.
    bobDevice.sendJson(typingJson(chat));
    assertThat(aliceStream.next(EventCase.TYPING).getTyping().getUserId()).isEqualTo(bob.toString());
    aliceStream.close();
    closeAll(bobDevice);
  }

  @Test
  void aReaderWithReadReceiptsOffSendsNoReadButTheSenderStillLearnsDelivered() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    fixtures.privacy(bob, "read_receipts", false);
    WsClient aliceDevice = server.ws(alice);
    StreamClient bobStream = server.grpc(bob);
    MessageStored first = fixtures.storeMessage(chat, alice, "read me", bob);
    MessageStored second = fixtures.storeMessage(chat, alice, "ack me", bob);
    server.publish(first);
    server.publish(second);
    bobStream.next(EventCase.NEW_MESSAGE);
    bobStream.next(EventCase.NEW_MESSAGE);

    // A read without an ack: "delivered" first, then (not) "read"; the ack of the second
    // message comes after, in order, so a READ would come between the two.
    bobStream.send(ClientEvent.newBuilder().setReadReceipt(ReadReceipt.newBuilder()
        .setMessageId(first.getMessageId()).setConversationId(chat.toString())).build());
    bobStream.send(ClientEvent.newBuilder().setAck(MessageAck.newBuilder()
        .setMessageId(second.getMessageId()).setConversationId(chat.toString())).build());

    assertThat(aliceDevice.next(EventCase.DELIVERED).getDelivered().getMessageId()).isEqualTo(first.getMessageId());
    assertThat(aliceDevice.next(EventCase.DELIVERED).getDelivered().getMessageId()).isEqualTo(second.getMessageId());
    assertThat(aliceDevice.eventsUntilPong()).noneMatch(ServerEvent::hasRead);
    assertThat(fixtures.readAt(first.getMessageId(), bob)).as("still stored, for bob's own devices").isPresent();
    closeAll(aliceDevice);
    bobStream.close();
  }

  @Test
  void aSenderWithReadReceiptsOffSeesNoReadsOfOthersInAGroupEither() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID group = fixtures.conversation(alice, bob, carol);
    fixtures.privacy(alice, "read_receipts", false);
    StreamClient aliceStream = server.grpc(alice);
    WsClient bobDevice = server.ws(bob);
    MessageStored first = fixtures.storeMessage(group, alice, "to the group", bob, carol);
    MessageStored second = fixtures.storeMessage(group, alice, "again", bob, carol);
    server.publish(first);
    server.publish(second);
    bobDevice.next(EventCase.NEW_MESSAGE);
    bobDevice.next(EventCase.NEW_MESSAGE);

    bobDevice.sendJson("{\"readReceipt\":{\"messageId\":\"" + first.getMessageId()
        + "\",\"conversationId\":\"" + group + "\"}}");
    bobDevice.sendJson("{\"ack\":{\"messageId\":\"" + second.getMessageId()
        + "\",\"conversationId\":\"" + group + "\"}}");

    assertThat(aliceStream.next(EventCase.DELIVERED).getDelivered().getMessageId()).isEqualTo(first.getMessageId());
    assertThat(aliceStream.next(EventCase.DELIVERED).getDelivered().getMessageId()).isEqualTo(second.getMessageId());
    assertThat(aliceStream.eventsUntilPong()).noneMatch(ServerEvent::hasRead);
    aliceStream.close();
    closeAll(bobDevice);
  }

  @Test
  void theReceiptCatchUpLeavesOutTheReadsOfAReaderWithReadReceiptsOff() {
    UUID alice = fixtures.newUser();
    UUID quiet = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID group = fixtures.conversation(alice, quiet, carol);
    fixtures.privacy(quiet, "read_receipts", false);
    UUID aliceLaptop = UUID.randomUUID();
    StreamClient laptop = server.grpc(server.token(alice, aliceLaptop));
    awaitCursor(aliceLaptop);
    MessageStored stored = fixtures.storeMessage(group, alice, "while you were away", quiet, carol);
    Instant leftAt = syncedAt(aliceLaptop);
    laptop.close();
    RealtimeTestServer.await(() -> syncedAt(aliceLaptop).isAfter(leftAt) ? 1 : 0, 1, "the disconnection recorded");
    fixtures.update("UPDATE message_status SET delivered_at = now(), read_at = now() WHERE message_id = ?",
        UUID.fromString(stored.getMessageId()));

    Instant before = syncedAt(aliceLaptop);
    StreamClient again = server.grpc(server.token(alice, aliceLaptop));
    RealtimeTestServer.await(() -> syncedAt(aliceLaptop).isAfter(before) ? 1 : 0, 1, "alice's receipt catch-up done");
    List<ServerEvent> events = again.eventsUntilPong();

    assertThat(events).filteredOn(ServerEvent::hasDelivered).extracting(e -> e.getDelivered().getUserId())
        .containsExactlyInAnyOrder(quiet.toString(), carol.toString());
    assertThat(events).filteredOn(ServerEvent::hasRead).extracting(e -> e.getRead().getUserId())
        .containsExactly(carol.toString());
    again.close();
  }

  private static String typingJson(UUID conversation) {
    return "{\"typing\":{\"conversationId\":\"" + conversation + "\",\"isTyping\":true}}";
  }

  private static void closeAll(WsClient... devices) {
    for (WsClient device : devices) {
      device.close();
    }
  }

  private static void awaitCursor(UUID device) {
    RealtimeTestServer.await(() -> fixtures.count(
        "SELECT count(*) FROM realtime_receipt_cursors WHERE session_id = ?", device), 1, "the device's receipt cursor");
  }

  private static Instant syncedAt(UUID device) {
    return fixtures.timestamp("SELECT synced_at FROM realtime_receipt_cursors WHERE session_id = ?", device).orElseThrow();
  }
}
