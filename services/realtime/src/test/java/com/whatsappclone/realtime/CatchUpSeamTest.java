package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The offline catch-up seam, made deterministic: the catch-up is held right after it read the
 * undelivered messages, and live events arrive exactly then.
 */
@WithPostgres
@WithKafka
class CatchUpSeamTest {

  /** Holds the first catch-up page of chosen users until the test releases it. */
  private static final class HoldingProbe implements CatchUpProbe {
    final Map<String, CountDownLatch[]> held = new ConcurrentHashMap<>();

    /** @return {reached, release} */
    CountDownLatch[] hold(UUID user) {
      CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
      held.put(user.toString(), latches);
      return latches;
    }

    @Override
    public void pageRead(String userId, List<NewMessage> page) {
      CountDownLatch[] latches = held.remove(userId);
      if (latches != null) {
        latches[0].countDown();
        try {
          latches[1].await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static final HoldingProbe probe = new HoldingProbe();
  private static RealtimeTestServer server;

  @BeforeAll
  static void start() {
    server = RealtimeTestServer.start(RealtimeTestServer.newDatabase(), Map.of(), probe);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void webSocketGetsCaughtUpThenLiveMessagesWithoutGapOrDuplicate() throws InterruptedException {
    seamHasNoGapAndNoDuplicate(
        user -> {
          WsClient client = new WsClient(server.wsUri(), Map.of("Authorization", "Bearer " + server.token(user)));
          client.connect(); // not blocking: the handshake completes while the catch-up is held
          return new Device(() -> client.next(EventCase.NEW_MESSAGE), client::eventsUntilPong, client::close);
        });
  }

  @Test
  void grpcStreamGetsCaughtUpThenLiveMessagesWithoutGapOrDuplicate() throws InterruptedException {
    seamHasNoGapAndNoDuplicate(
        user -> {
          StreamClient client = server.grpc(user);
          return new Device(() -> client.next(EventCase.NEW_MESSAGE), client::eventsUntilPong, client::close);
        });
  }

  private record Device(Supplier<ServerEvent> nextMessage, Supplier<List<ServerEvent>> untilPong, Runnable close) {}

  private void seamHasNoGapAndNoDuplicate(Function<UUID, Device> connect) throws InterruptedException {
    Fixtures fixtures = server.fixtures;
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    MessageStored offline = fixtures.storeMessage(chat, alice, "sent while bob was offline", bob);
    CountDownLatch[] latches = probe.hold(bob);

    Device bobDevice = connect.apply(bob);
    assertThat(latches[0].await(15, TimeUnit.SECONDS)).as("catch-up read its page").isTrue();

    // Right at the seam: a new message arrives live, and the offline one arrives live again
    // (the worker redelivered it), both after the catch-up read the database.
    MessageStored atTheSeam = fixtures.storeMessage(chat, alice, "sent during the catch-up", bob);
    long handled = server.storedEventsHandled();
    server.publish(atTheSeam);
    server.publish(offline);
    server.awaitStoredEventsHandled(handled + 2);
    latches[1].countDown();

    assertThat(bobDevice.nextMessage().get().getNewMessage().getMessageId()).isEqualTo(offline.getMessageId());
    assertThat(bobDevice.nextMessage().get().getNewMessage().getMessageId()).isEqualTo(atTheSeam.getMessageId());
    assertThat(bobDevice.untilPong().get()).as("no duplicate").noneMatch(ServerEvent::hasNewMessage);

    MessageStored live = fixtures.storeMessage(chat, alice, "sent after the catch-up", bob);
    server.publish(live);
    assertThat(bobDevice.nextMessage().get().getNewMessage().getMessageId()).isEqualTo(live.getMessageId());
    bobDevice.close().run();
  }
}
