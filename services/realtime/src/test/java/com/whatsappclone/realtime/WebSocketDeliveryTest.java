package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.MessageAck;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Messages, receipts, typing and presence through the WebSocket door. */
class WebSocketDeliveryTest extends RealtimeServerTest {

  @Test
  void newMessageReachesEveryDeviceOfEveryRecipientButNotTheSender() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID group = fixtures.conversation(alice, bob, carol);
    WsClient aliceDevice = server.ws(alice);
    WsClient bobPhone = server.ws(bob);
    WsClient bobLaptop = server.ws(bob);
    WsClient carolPhone = server.ws(carol);

    MessageStored stored = fixtures.storeMessage(group, alice, "hello all", bob, carol);
    server.publish(stored);

    for (WsClient device : List.of(bobPhone, bobLaptop, carolPhone)) {
      NewMessage message = device.next(EventCase.NEW_MESSAGE).getNewMessage();
      assertThat(message.getMessageId()).isEqualTo(stored.getMessageId());
      assertThat(message.getConversationId()).isEqualTo(group.toString());
      assertThat(message.getSenderId()).isEqualTo(alice.toString());
      assertThat(message.getContent()).isEqualTo("hello all");
      assertThat(message.getSeq()).isEqualTo(stored.getSeq());
      assertThat(Instant.parse(message.getCreatedAt()))
          .isEqualTo(Instant.EPOCH.plusNanos(stored.getCreatedAtMicros() * 1000));
    }
    assertThat(aliceDevice.eventsUntilPong()).noneMatch(ServerEvent::hasNewMessage);
    closeAll(aliceDevice, bobPhone, bobLaptop, carolPhone);
  }

  @Test
  void aStoredEventDeliveredTwiceReachesTheDeviceOnce() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    WsClient bobDevice = server.ws(bob);
    bobDevice.eventsUntilPong(); // connected (live messages during a catch-up are held, not lost)

    MessageStored first = fixtures.storeMessage(chat, alice, "one", bob);
    MessageStored second = fixtures.storeMessage(chat, alice, "two", bob);
    server.publish(first);
    server.publish(first); // the worker redelivered it
    server.publish(second);

    assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getContent()).isEqualTo("one");
    assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getContent()).isEqualTo("two");
    assertThat(bobDevice.eventsUntilPong()).noneMatch(ServerEvent::hasNewMessage);
    closeAll(bobDevice);
  }

  @Test
  void ackSetsDeliveredAtOnceAndTellsTheSender() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    WsClient aliceDevice = server.ws(alice);
    WsClient bobDevice = server.ws(bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "did you get it?", bob);
    server.publish(stored);
    bobDevice.next(EventCase.NEW_MESSAGE);

    bobDevice.sendJson("{\"ack\":{\"messageId\":\"" + stored.getMessageId()
        + "\",\"conversationId\":\"" + chat + "\"}}");
    ServerEvent delivered = aliceDevice.next(EventCase.DELIVERED);
    assertThat(delivered.getDelivered().getMessageId()).isEqualTo(stored.getMessageId());
    assertThat(delivered.getDelivered().getConversationId()).isEqualTo(chat.toString());
    assertThat(delivered.getDelivered().getUserId()).isEqualTo(bob.toString());
    Instant deliveredAt = Instant.parse(delivered.getDelivered().getDeliveredAt());
    assertThat(fixtures.deliveredAt(stored.getMessageId(), bob)).contains(deliveredAt);

    // A second ack (snake_case this time) changes nothing; the read receipt after it proves the
    // ack was processed without a second "delivered" reaching the sender.
    bobDevice.sendJson("{\"ack\":{\"message_id\":\"" + stored.getMessageId()
        + "\",\"conversation_id\":\"" + chat + "\"}}");
    bobDevice.sendJson("{\"readReceipt\":{\"messageId\":\"" + stored.getMessageId()
        + "\",\"conversationId\":\"" + chat + "\"}}");
    assertThat(aliceDevice.next(EventCase.READ).getRead().getUserId()).isEqualTo(bob.toString());
    assertThat(fixtures.deliveredAt(stored.getMessageId(), bob)).contains(deliveredAt);
    closeAll(aliceDevice, bobDevice);
  }

  @Test
  void readReceiptWithoutAckTellsTheSenderDeliveredThenRead() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    WsClient aliceDevice = server.ws(alice);
    WsClient bobDevice = server.ws(bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "read me", bob);
    server.publish(stored);
    bobDevice.next(EventCase.NEW_MESSAGE);

    bobDevice.sendBinary(ClientEvent.newBuilder()
        .setReadReceipt(com.whatsappclone.proto.realtime.ReadReceipt.newBuilder()
            .setMessageId(stored.getMessageId()).setConversationId(chat.toString()))
        .build());

    ServerEvent delivered = aliceDevice.next(EventCase.DELIVERED);
    ServerEvent read = aliceDevice.next(EventCase.READ);
    assertThat(read.getRead().getMessageId()).isEqualTo(stored.getMessageId());
    assertThat(read.getRead().getConversationId()).isEqualTo(chat.toString());
    assertThat(read.getRead().getUserId()).isEqualTo(bob.toString());
    Instant readAt = Instant.parse(read.getRead().getReadAt());
    assertThat(fixtures.readAt(stored.getMessageId(), bob)).contains(readAt);
    assertThat(fixtures.deliveredAt(stored.getMessageId(), bob))
        .contains(Instant.parse(delivered.getDelivered().getDeliveredAt()));
    closeAll(aliceDevice, bobDevice);
  }

  @Test
  void ackOfAMessageThatIsNotYoursGetsNotFoundAndChangesNothing() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID mallory = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "private", bob);
    WsClient malloryDevice = server.ws(mallory);

    malloryDevice.sendBinary(ClientEvent.newBuilder()
        .setAck(MessageAck.newBuilder().setMessageId(stored.getMessageId()).setConversationId(chat.toString()))
        .build());
    assertThat(malloryDevice.next(EventCase.ERROR).getError().getCode()).isEqualTo("NOT_FOUND");

    malloryDevice.sendJson("{\"ack\":{\"messageId\":\"nope\",\"conversationId\":\"" + chat + "\"}}");
    ServerEvent invalid = malloryDevice.next(EventCase.ERROR);
    assertThat(invalid.getError().getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(invalid.getError().getMessage()).contains("message_id");
    assertThat(fixtures.deliveredAt(stored.getMessageId(), bob)).isEmpty();
    closeAll(malloryDevice);
  }

  @Test
  void typingGoesOnlyToTheOtherParticipantsWithTheSendersRealId() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID outsider = fixtures.newUser();
    UUID group = fixtures.conversation(alice, bob, carol);
    fixtures.conversation(alice, outsider); // knows alice, but is not in the group
    WsClient aliceDevice = server.ws(alice);
    WsClient bobDevice = server.ws(bob);
    WsClient carolDevice = server.ws(carol);
    WsClient outsiderDevice = server.ws(outsider);

    aliceDevice.sendJson("{\"typing\":{\"conversationId\":\"" + group + "\",\"isTyping\":true,"
        + "\"userId\":\"" + outsider + "\"}}");

    for (WsClient device : List.of(bobDevice, carolDevice)) {
      ServerEvent typing = device.next(EventCase.TYPING);
      assertThat(typing.getTyping().getConversationId()).isEqualTo(group.toString());
      assertThat(typing.getTyping().getUserId()).as("set from the connection").isEqualTo(alice.toString());
      assertThat(typing.getTyping().getIsTyping()).isTrue();
    }
    assertThat(aliceDevice.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);
    assertThat(outsiderDevice.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);
    closeAll(aliceDevice, bobDevice, carolDevice, outsiderDevice);
  }

  @Test
  void typingInAConversationYouAreNotInGetsAnError() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID intruder = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    WsClient bobDevice = server.ws(bob);
    WsClient intruderDevice = server.ws(intruder);

    intruderDevice.sendJson(typingJson(chat, true));
    assertThat(intruderDevice.next(EventCase.ERROR).getError().getCode()).isEqualTo("PERMISSION_DENIED");
    intruderDevice.sendJson(typingJson(UUID.randomUUID(), true));
    assertThat(intruderDevice.next(EventCase.ERROR).getError().getCode()).isEqualTo("NOT_FOUND");
    assertThat(intruderDevice.isOpen()).isTrue();
    assertThat(bobDevice.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);
    closeAll(bobDevice, intruderDevice);
  }

  @Test
  void joiningAConversationIsSeenOnceChatAnnouncesTheMembershipChange() {
    Newcomer newcomer = newcomerOutsideAGroup();
    newcomer.device().sendJson(typingJson(newcomer.group(), true));
    assertThat(newcomer.device().next(EventCase.ERROR).getError().getCode()).isEqualTo("PERMISSION_DENIED");

    joinInTheDatabase(newcomer, "membership records",
        () -> server.publishMembershipChange(newcomer.group(), newcomer.user()));

    newcomer.device().sendJson(typingJson(newcomer.group(), true));
    assertThat(newcomer.bobDevice().next(EventCase.TYPING).getTyping().getUserId())
        .isEqualTo(newcomer.user().toString());
    closeAll(newcomer.device(), newcomer.bobDevice());
  }

  @Test
  void aRealtimeRecordOfUnknownShapeStillRefreshesTheParticipantCache() {
    Newcomer newcomer = newcomerOutsideAGroup();
    newcomer.device().sendJson(typingJson(newcomer.group(), true));
    assertThat(newcomer.device().next(EventCase.ERROR).getError().getCode()).isEqualTo("PERMISSION_DENIED");

    joinInTheDatabase(newcomer, "realtime records",
        () -> server.publishUnknownRealtimeRecord("not-a-conversation-id")); // drops the whole cache

    newcomer.device().sendJson(typingJson(newcomer.group(), false));
    ServerEvent typing = newcomer.bobDevice().next(EventCase.TYPING);
    assertThat(typing.getTyping().getUserId()).isEqualTo(newcomer.user().toString());
    assertThat(typing.getTyping().getIsTyping()).isFalse();
    closeAll(newcomer.device(), newcomer.bobDevice());
  }

  @Test
  void presenceGoesOnlyToUsersWhoShareAConversationAndKeepsLastSeen() throws InterruptedException {
    UUID alice = fixtures.newUser();
    UUID friend = fixtures.newUser();
    UUID stranger = fixtures.newUser();
    fixtures.conversation(alice, friend);
    WsClient friendDevice = server.ws(friend);
    WsClient strangerDevice = server.ws(stranger);

    WsClient alicePhone = server.ws(alice);
    ServerEvent online = friendDevice.next();
    assertThat(online.getPresence().getUserId()).isEqualTo(alice.toString());
    assertThat(online.getPresence().getStatus()).isEqualTo("online");

    // A second device is not news; closing it while the phone stays is not "offline" either.
    WsClient aliceLaptop = server.ws(alice);
    RealtimeTestServer.await(() -> Long.parseLong(fixtures.strings(
        "SELECT count(*) FROM realtime_connections WHERE user_id = ?", alice).get(0)), 2, "alice's devices recorded");
    aliceLaptop.closeBlocking();
    alicePhone.closeBlocking();

    ServerEvent offline = friendDevice.next();
    assertThat(offline.getPresence().getUserId()).isEqualTo(alice.toString());
    assertThat(offline.getPresence().getStatus()).isEqualTo("offline");
    Instant lastSeen = Instant.parse(offline.getPresence().getLastSeen());
    assertThat(fixtures.lastSeenAt(alice)).isEqualTo(Optional.of(lastSeen));
    assertThat(friendDevice.eventsUntilPong()).as("one online and one offline, nothing more").isEmpty();
    assertThat(strangerDevice.eventsUntilPong()).noneMatch(ServerEvent::hasPresence);
    closeAll(friendDevice, strangerDevice);
  }

  @Test
  void messagesStoredWhileOfflineArriveInOrderOnConnectThenLiveOnes() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID withAlice = fixtures.conversation(alice, bob);
    UUID withCarol = fixtures.conversation(carol, bob);
    MessageStored first = fixtures.storeMessage(withAlice, alice, "first", bob);
    MessageStored second = fixtures.storeMessage(withCarol, carol, "second", bob);
    MessageStored third = fixtures.storeMessage(withAlice, alice, "third", bob);
    fixtures.update("UPDATE message_status SET delivered_at = now() WHERE message_id = ?",
        UUID.fromString(second.getMessageId())); // acknowledged earlier on another device

    WsClient bobDevice = server.ws(bob);
    assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(first.getMessageId());
    assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(third.getMessageId());
    assertThat(bobDevice.eventsUntilPong()).noneMatch(ServerEvent::hasNewMessage);

    MessageStored live = fixtures.storeMessage(withCarol, carol, "live", bob);
    server.publish(live);
    assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getContent()).isEqualTo("live");
    closeAll(bobDevice);
  }

  static void closeAll(WsClient... clients) {
    for (WsClient client : clients) {
      try {
        client.closeBlocking();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A group of alice and bob, both connected, and a newcomer connected but not (yet) in it. */
  private record Newcomer(UUID user, UUID group, WsClient device, WsClient bobDevice) {}

  private static Newcomer newcomerOutsideAGroup() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID newcomer = fixtures.newUser();
    UUID group = fixtures.conversation(alice, bob);
    WsClient newcomerDevice = server.ws(newcomer);
    WsClient bobDevice = server.ws(bob);
    return new Newcomer(newcomer, group, newcomerDevice, bobDevice);
  }

  /** Adds the newcomer to the group as chat does, then waits until the server handled {@code announce}'s record. */
  private static void joinInTheDatabase(Newcomer newcomer, String records, Runnable announce) {
    fixtures.addParticipant(newcomer.group(), newcomer.user());
    long before = server.servers.membershipRecordsHandled();
    announce.run();
    RealtimeTestServer.await(server.servers::membershipRecordsHandled, before + 1, records);
  }

  private static String typingJson(UUID conversation, boolean isTyping) {
    return "{\"typing\":{\"conversationId\":\"" + conversation + "\",\"isTyping\":" + isTyping + "}}";
  }

}
