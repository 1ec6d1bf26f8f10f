package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading makes its outgoing queue overflow: the connection is closed with
 * the documented signal (WebSocket 1013, gRPC RESOURCE_EXHAUSTED), never a silent drop, and the
 * reconnecting client catches up on everything it missed.
 */
@WithPostgres
@WithKafka
class SlowConsumerTest {

  private static final int MESSAGES = 40;
  private static final String CONTENT = "x".repeat(16 * 1024);
  private static RealtimeTestServer server;

  @BeforeAll
  static void start() {
    // Small buffers everywhere, so a stalled client overflows after a few dozen messages.
    server = RealtimeTestServer.start(Map.of(
        "REALTIME_OUTBOUND_QUEUE_LIMIT", "8",
        "REALTIME_WS_SEND_BUFFER", "8192"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void webSocketClientThatStopsReadingIsClosedWith1013AndCatchesUpAfterReconnecting() {
    UUID alice = server.fixtures.newUser();
    UUID bob = server.fixtures.newUser();
    UUID chat = server.fixtures.conversation(alice, bob);
    WsClient stalled = new WsClient(server.wsUri(), Map.of("Authorization", "Bearer " + server.token(bob)));
    stalled.setReceiveBufferSize(8192);
    try {
      assertThat(stalled.connectBlocking(15, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    stalled.eventsUntilPong(); // connected
    CountDownLatch gate = new CountDownLatch(1);
    stalled.stopReadingUntil(gate);

    List<String> published = publishMessages(chat, alice, bob);
    gate.countDown();

    WsClient.Closed closed = stalled.awaitClose();
    assertThat(closed.code()).isEqualTo(CloseFrame.TRY_AGAIN_LATER);
    assertThat(closed.reason()).contains("overflow");
    List<String> received = messageIds(stalled::nextOrNull);
    assertThat(received).as("what got through is the beginning, in order")
        .isEqualTo(published.subList(0, received.size()));
    assertThat(received.size()).isLessThan(MESSAGES);

    WsClient reconnected = server.ws(bob);
    List<String> caughtUp = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      caughtUp.add(reconnected.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId());
    }
    assertThat(caughtUp).as("none was acknowledged, so all come again").isEqualTo(published);
    reconnected.close();
  }

  @Test
  void grpcClientThatStopsReadingGetsResourceExhausted() throws InterruptedException {
    UUID alice = server.fixtures.newUser();
    UUID bob = server.fixtures.newUser();
    UUID chat = server.fixtures.conversation(alice, bob);
    ManagedChannel smallWindow = NettyChannelBuilder.forAddress("127.0.0.1", server.servers.grpcPort())
        .usePlaintext().flowControlWindow(8192).build();
    try {
      StreamClient stalled = StreamClient.connect(server.withToken(smallWindow, bob), true);
      stalled.request(1);
      assertThat(stalled.eventsUntilPongWithRequests()).isEmpty(); // connected

      List<String> published = publishMessages(chat, alice, bob);
      stalled.request(Integer.MAX_VALUE);

      Status status = stalled.awaitEnd();
      assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(status.getDescription()).contains("overflow");
      List<String> received = stalled.receivedSoFar().stream()
          .filter(ServerEvent::hasNewMessage).map(e -> e.getNewMessage().getMessageId()).toList();
      assertThat(received).isEqualTo(published.subList(0, received.size()));
      assertThat(received.size()).isLessThan(MESSAGES);
    } finally {
      smallWindow.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static List<String> publishMessages(UUID chat, UUID sender, UUID recipient) {
    List<String> ids = new ArrayList<>();
    long before = server.storedEventsHandled();
    for (int i = 0; i < MESSAGES; i++) {
      MessageStored stored = server.fixtures.storeMessage(chat, sender, CONTENT, recipient);
      server.publish(stored);
      ids.add(stored.getMessageId());
    }
    server.awaitStoredEventsHandled(before + MESSAGES);
    return ids;
  }

  private interface EventSource {
    ServerEvent nextOrNull();
  }

  private static List<String> messageIds(EventSource source) {
    List<String> ids = new ArrayList<>();
    for (ServerEvent event = source.nextOrNull(); event != null; event = source.nextOrNull()) {
      if (event.hasNewMessage()) {
        ids.add(event.getNewMessage().getMessageId());
      }
    }
    return ids;
  }
}
