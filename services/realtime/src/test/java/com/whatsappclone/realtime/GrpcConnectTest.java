package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.MessageAck;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.ReadReceipt;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.proto.realtime.TypingIndicator;
import io.grpc.Status;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The same flows through the gRPC Connect stream, mixed with WebSocket devices. */
class GrpcConnectTest extends RealtimeServerTest {

  @Test
  void streamWithoutTokenIsRefusedUnauthenticated() {
    StreamClient anonymous = StreamClient.connect(server.anonymousChannel());
    assertThat(anonymous.awaitEnd().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aRefusedStreamAndAnErrorEventCarryTheSameKindOfReason() {
    StreamClient anonymous = StreamClient.connect(server.anonymousChannel());
    assertThat(ErrorDetails.reason(anonymous.awaitFailure())).isEqualTo("TOKEN_MISSING");

    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID outsider = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    try (StreamClient outsiderStream = server.grpc(outsider)) {
      outsiderStream.send(ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
          .setConversationId(chat.toString()).setIsTyping(true)).build());
      com.whatsappclone.proto.realtime.Error notMine = outsiderStream.next(EventCase.ERROR).getError();
      assertThat(notMine.getCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(notMine.getReason()).isEqualTo("NOT_A_PARTICIPANT");

      outsiderStream.send(ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
          .setConversationId("not-an-id")).build());
      com.whatsappclone.proto.realtime.Error malformed = outsiderStream.next(EventCase.ERROR).getError();
      assertThat(malformed.getCode()).isEqualTo("INVALID_ARGUMENT");
      assertThat(malformed.getReason()).isEqualTo("INVALID_ID");
      assertThat(malformed.getMessage()).startsWith("typing.conversation_id");

      outsiderStream.send(ClientEvent.getDefaultInstance());
      assertThat(outsiderStream.next(EventCase.ERROR).getError().getReason()).isEqualTo("MALFORMED_FRAME");
    }
  }

  @Test
  void pingGetsPong() {
    try (StreamClient client = server.grpc(fixtures.newUser())) {
      client.send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(42)).build());
      assertThat(client.next().getPong().getTimestamp()).isEqualTo(42);
    }
  }

  @Test
  void emptyEventGetsAnErrorAndTheStreamStays() {
    try (StreamClient client = server.grpc(fixtures.newUser())) {
      client.send(ClientEvent.getDefaultInstance());
      assertThat(client.next().getError().getCode()).isEqualTo("INVALID_ARGUMENT");
      assertThat(client.eventsUntilPong()).isEmpty();
    }
  }

  @Test
  void newMessageReachesStreamsAndWebSocketsOfEveryRecipient() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID group = fixtures.conversation(alice, bob, carol);
    try (StreamClient bobStream = server.grpc(bob);
         StreamClient carolStream = server.grpc(carol)) {
      WsClient bobWeb = server.ws(bob);
      MessageStored stored = fixtures.storeMessage(group, alice, "to every door", bob, carol);
      server.publish(stored);

      assertThat(bobStream.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(stored.getMessageId());
      assertThat(carolStream.next(EventCase.NEW_MESSAGE).getNewMessage().getContent()).isEqualTo("to every door");
      assertThat(bobWeb.next(EventCase.NEW_MESSAGE).getNewMessage().getSeq()).isEqualTo(stored.getSeq());
      bobWeb.close();
    }
  }

  @Test
  void ackAndReadReceiptOverTheStreamTellTheSender() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    try (StreamClient aliceStream = server.grpc(alice);
         StreamClient bobStream = server.grpc(bob)) {
      MessageStored stored = fixtures.storeMessage(chat, alice, "ack me", bob);
      server.publish(stored);
      bobStream.next(EventCase.NEW_MESSAGE);

      bobStream.send(ClientEvent.newBuilder().setAck(MessageAck.newBuilder()
          .setMessageId(stored.getMessageId()).setConversationId(chat.toString())).build());
      ServerEvent delivered = aliceStream.next(EventCase.DELIVERED);
      assertThat(delivered.getDelivered().getUserId()).isEqualTo(bob.toString());
      assertThat(fixtures.deliveredAt(stored.getMessageId(), bob))
          .contains(Instant.parse(delivered.getDelivered().getDeliveredAt()));

      bobStream.send(ClientEvent.newBuilder().setReadReceipt(ReadReceipt.newBuilder()
          .setMessageId(stored.getMessageId()).setConversationId(chat.toString())).build());
      ServerEvent read = aliceStream.next(EventCase.READ);
      assertThat(read.getRead().getMessageId()).isEqualTo(stored.getMessageId());
      assertThat(fixtures.readAt(stored.getMessageId(), bob)).contains(Instant.parse(read.getRead().getReadAt()));
      assertThat(aliceStream.eventsUntilPong()).as("delivered only once").noneMatch(ServerEvent::hasDelivered);
    }
  }

  @Test
  void typingOverTheStreamReachesParticipantsAndOutsidersGetAnError() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID outsider = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    try (StreamClient aliceStream = server.grpc(alice);
         StreamClient bobStream = server.grpc(bob);
         StreamClient outsiderStream = server.grpc(outsider)) {
      // Opening a stream does not wait for the server: a pong proves Bob's is registered before
      // Alice types (otherwise the typing event can go out before Bob is there to get it).
      bobStream.eventsUntilPong();
      aliceStream.send(ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
          .setConversationId(chat.toString()).setIsTyping(true).setUserId(outsider.toString())).build());
      ServerEvent typing = bobStream.next(EventCase.TYPING);
      assertThat(typing.getTyping().getUserId()).isEqualTo(alice.toString());

      outsiderStream.send(ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
          .setConversationId(chat.toString()).setIsTyping(true)).build());
      assertThat(outsiderStream.next(EventCase.ERROR).getError().getCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(bobStream.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);
      assertThat(outsiderStream.eventsUntilPong()).isEmpty();
    }
  }

  @Test
  void presenceReachesAContactsStream() {
    UUID alice = fixtures.newUser();
    UUID friend = fixtures.newUser();
    fixtures.conversation(alice, friend);
    try (StreamClient friendStream = server.grpc(friend)) {
      friendStream.eventsUntilPong();
      StreamClient aliceStream = server.grpc(alice);
      ServerEvent online = friendStream.next(EventCase.PRESENCE);
      assertThat(online.getPresence().getStatus()).isEqualTo("online");
      aliceStream.close();
      ServerEvent offline = friendStream.next(EventCase.PRESENCE);
      assertThat(offline.getPresence().getStatus()).isEqualTo("offline");
      assertThat(fixtures.lastSeenAt(alice)).contains(Instant.parse(offline.getPresence().getLastSeen()));
      assertThat(List.of(online.getPresence().getUserId(), offline.getPresence().getUserId()))
          .containsOnly(alice.toString());
    }
  }
}
