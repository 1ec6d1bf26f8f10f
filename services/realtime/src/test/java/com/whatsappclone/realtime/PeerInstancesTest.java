package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Fan-outs on realtime.events only when another instance may hold a device: instances announce
 * themselves (RealtimeInstanceAlive) and a lone instance publishes none.
 */
@WithPostgres
@WithKafka
class PeerInstancesTest {

  /** Short, so that the first interval (when an instance cannot know it is alone) passes soon. */
  private static final String HEARTBEAT = "1s";

  @Test
  void aLoneInstancePublishesNoRecordForReceiptsTypingOrPresence() {
    String prefix = UniqueNames.of("rt") + ".";
    RealtimeTestServer server = start(RealtimeTestServer.newDatabase(), prefix);
    Fixtures fixtures = server.fixtures;
    awaitAlone(server);
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);
    WsClient aliceDevice = server.ws(alice);
    aliceDevice.eventsUntilPong();
    WsClient bobDevice = server.ws(bob);
    assertThat(aliceDevice.next(EventCase.PRESENCE).getPresence().getStatus()).isEqualTo("online");

    MessageStored stored = fixtures.storeMessage(chat, alice, "just us", bob);
    server.publish(stored);
    bobDevice.next(EventCase.NEW_MESSAGE);
    bobDevice.sendJson("{\"readReceipt\":{\"messageId\":\"" + stored.getMessageId()
        + "\",\"conversationId\":\"" + chat + "\"}}");
    aliceDevice.next(EventCase.DELIVERED);
    aliceDevice.next(EventCase.READ);
    bobDevice.sendJson("{\"typing\":{\"conversationId\":\"" + chat + "\",\"isTyping\":true}}");
    aliceDevice.next(EventCase.TYPING);
    WebSocketDeliveryTest.closeAll(bobDevice);
    assertThat(aliceDevice.next(EventCase.PRESENCE).getPresence().getStatus()).isEqualTo("offline");
    aliceDevice.close();
    server.close(); // flushes what its producer still held

    Map<String, Integer> types = recordTypes(prefix);
    assertThat(types).as("announcements, and no fan-out").containsOnlyKeys(FanoutBus.ALIVE_TYPE);
    assertThat(types.get(FanoutBus.ALIVE_TYPE)).as("at least the start and the goodbye").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aSecondInstanceIsHeardBeforeItsFirstDeviceConnectsAndGetsTheReceiptsForIt() {
    String prefix = UniqueNames.of("rt") + ".";
    TestDatabase db = RealtimeTestServer.newDatabase();
    RealtimeTestServer first = start(db, prefix);
    awaitAlone(first);
    long membershipRecords = first.servers.membershipRecordsHandled();
    RealtimeTestServer second = start(db, prefix);
    Fixtures fixtures = first.fixtures;
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID chat = fixtures.conversation(alice, bob);

    WsClient aliceOnSecond = second.ws(alice);
    assertThat(first.servers.peers().known()).as("the second instance, known before its first device").isEqualTo(1);
    WsClient bobOnFirst = first.ws(bob);
    MessageStored stored = fixtures.storeMessage(chat, alice, "across", bob);
    first.publish(stored);
    bobOnFirst.next(EventCase.NEW_MESSAGE);
    bobOnFirst.sendJson("{\"ack\":{\"messageId\":\"" + stored.getMessageId()
        + "\",\"conversationId\":\"" + chat + "\"}}");
    assertThat(aliceOnSecond.next(EventCase.DELIVERED).getDelivered().getUserId()).isEqualTo(bob.toString());
    bobOnFirst.sendJson("{\"typing\":{\"conversationId\":\"" + chat + "\",\"isTyping\":true}}");
    assertThat(aliceOnSecond.next(EventCase.TYPING).getTyping().getUserId()).isEqualTo(bob.toString());
    assertThat(first.servers.membershipRecordsHandled()).as("announcements are no membership changes")
        .isEqualTo(membershipRecords);

    WebSocketDeliveryTest.closeAll(aliceOnSecond, bobOnFirst);
    second.close();
    RealtimeTestServer.await(() -> first.servers.peers().known() == 0 ? 1 : 0, 1, "the goodbye heard");
    assertThat(first.servers.peers().anyAlive()).isFalse();
    first.close();
  }

  private static RealtimeTestServer start(TestDatabase db, String prefix) {
    return RealtimeTestServer.start(db, Map.of("KAFKA_TOPIC_PREFIX", prefix, "REALTIME_PRESENCE_HEARTBEAT", HEARTBEAT),
        CatchUpProbe.NONE);
  }

  /** Until the instance's first interval has passed without a peer. */
  private static void awaitAlone(RealtimeTestServer server) {
    RealtimeTestServer.await(() -> server.servers.peers().anyAlive() ? 0 : 1, 1, "the first interval over, no peer");
  }

  /** Every record of the realtime events topic, counted by event-type header. */
  private static Map<String, Integer> recordTypes(String prefix) {
    String topic = prefix + KafkaTopics.REALTIME_EVENTS;
    Map<String, Integer> types = new HashMap<>();
    try (Consumer<String, byte[]> consumer = new KafkaFactories(KafkaExtension.bootstrapServers(), "rt-test")
        .newConsumer(UniqueNames.of("rt-count"))) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          types.merge(String.valueOf(KafkaTopics.eventTypeOf(record)), 1, Integer::sum);
        }
      }
    }
    return types;
  }
}
