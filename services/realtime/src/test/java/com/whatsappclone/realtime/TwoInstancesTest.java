package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.proto.realtime.TypingIndicator;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two realtime instances on one database and one Kafka, as when the service is scaled out: each
 * delivers to its own connections, and receipts, typing and presence cross between them.
 */
@WithPostgres
@WithKafka
class TwoInstancesTest {

  private static RealtimeTestServer first;
  private static RealtimeTestServer second;
  private static Fixtures fixtures;

  @BeforeAll
  static void start() {
    TestDatabase db = RealtimeTestServer.newDatabase();
    first = RealtimeTestServer.start(db, Map.of(), CatchUpProbe.NONE);
    // The same topics: one deployment scaled out.
    second = RealtimeTestServer.start(db, Map.of("KAFKA_TOPIC_PREFIX", first.topicPrefix()), CatchUpProbe.NONE);
    fixtures = first.fixtures;
  }

  @AfterAll
  static void stop() {
    second.close();
    first.close();
  }

  @Test
  void eachInstanceDeliversToItsOwnConnectionsAndReceiptsCrossOver() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    UUID group = fixtures.conversation(alice, bob, carol);
    WsClient bobOnFirst = first.ws(bob);
    WsClient aliceOnSecond = second.ws(alice);
    try (StreamClient carolOnSecond = second.grpc(carol)) {
      MessageStored stored = fixtures.storeMessage(group, alice, "scaled out", bob, carol);
      first.publish(stored); // published once, as the worker does

      assertThat(bobOnFirst.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(stored.getMessageId());
      assertThat(carolOnSecond.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(stored.getMessageId());

      // bob's ack lands on the first instance; alice is connected to the second.
      bobOnFirst.sendJson("{\"ack\":{\"messageId\":\"" + stored.getMessageId()
          + "\",\"conversationId\":\"" + group + "\"}}");
      ServerEvent delivered = aliceOnSecond.next(EventCase.DELIVERED);
      assertThat(delivered.getDelivered().getUserId()).isEqualTo(bob.toString());
      assertThat(delivered.getDelivered().getMessageId()).isEqualTo(stored.getMessageId());

      carolOnSecond.send(ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
          .setConversationId(group.toString()).setIsTyping(true)).build());
      assertThat(bobOnFirst.next(EventCase.TYPING).getTyping().getUserId()).isEqualTo(carol.toString());
      assertThat(aliceOnSecond.next(EventCase.TYPING).getTyping().getUserId())
          .as("once, although both instances know about it").isEqualTo(carol.toString());
      assertThat(aliceOnSecond.eventsUntilPong()).noneMatch(ServerEvent::hasTyping);
    }
    WebSocketDeliveryTest.closeAll(bobOnFirst, aliceOnSecond);
  }

  @Test
  void userIsOfflineOnlyWhenTheLastDeviceOnAnyInstanceLeaves() throws InterruptedException {
    UUID alice = fixtures.newUser();
    UUID friend = fixtures.newUser();
    fixtures.conversation(alice, friend);
    WsClient friendOnFirst = first.ws(friend);
    friendOnFirst.eventsUntilPong();

    WsClient aliceOnFirst = first.ws(alice);
    assertThat(friendOnFirst.next().getPresence().getStatus()).isEqualTo("online");
    WsClient aliceOnSecond = second.ws(alice);
    RealtimeTestServer.await(() -> connectionsOf(alice), 2, "alice's devices recorded");

    aliceOnFirst.closeBlocking();
    RealtimeTestServer.await(() -> 2 - connectionsOf(alice), 1, "alice's first device forgotten");
    assertThat(friendOnFirst.eventsUntilPong()).as("alice is still online on the second instance").isEmpty();
    aliceOnSecond.closeBlocking();
    ServerEvent offline = friendOnFirst.next();
    assertThat(offline.getPresence().getStatus()).isEqualTo("offline");
    assertThat(offline.getPresence().getUserId()).isEqualTo(alice.toString());
    assertThat(friendOnFirst.eventsUntilPong()).as("exactly one online and one offline").isEmpty();
    friendOnFirst.close();
  }

  private static long connectionsOf(UUID user) {
    return Long.parseLong(fixtures.strings(
        "SELECT count(*) FROM realtime_connections WHERE user_id = ?", user).get(0));
  }
}
