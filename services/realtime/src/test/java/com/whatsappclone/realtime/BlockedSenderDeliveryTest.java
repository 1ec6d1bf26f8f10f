package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.uuid.UuidCreator;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.worker.MessageWorkerApplication;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocks on the delivery path, end to end (issue 17): messages are submitted as chat submits
 * them, the real message worker stores them, and this realtime server delivers what the worker
 * published. In a one-to-one conversation, what a blocked sender sends the blocker is never
 * pushed, never in the blocker's catch-up (not even after an unblock), and never acknowledged to
 * the sender; groups are delivered as usual.
 */
@WithPostgres
@WithKafka
class BlockedSenderDeliveryTest {

  private static RealtimeTestServer server;
  private static Fixtures fixtures;
  private static GrpcServer worker;
  private static Producer<String, byte[]> chat;
  private static String prefix;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase db = RealtimeTestServer.newDatabase();
    prefix = UniqueNames.of("rtb") + ".";
    worker = MessageWorkerApplication.start(Settings.of(Map.of(
        "DATABASE_URL", db.jdbcUrlWithCredentials(),
        "KAFKA_BROKERS", KafkaExtension.bootstrapServers(),
        "KAFKA_TOPIC_PREFIX", prefix,
        "KAFKA_TOPIC_PARTITIONS", "3",
        "MESSAGE_WORKER_GRPC_PORT", "0",
        "MESSAGE_WORKER_METRICS_PORT", "0",
        "MESSAGE_WORKER_GROUP_ID", UniqueNames.of("rtb-worker"),
        "GRPC_BIND_HOST", "127.0.0.1",
        "GRPC_DRAIN_TIMEOUT", "1s",
        "DB_MAX_POOL_SIZE", "4")), Clock.systemUTC());
    GrpcHealth.awaitServing("the worker", worker.port());
    server = RealtimeTestServer.start(db, Map.of("KAFKA_TOPIC_PREFIX", prefix), CatchUpProbe.NONE);
    fixtures = server.fixtures;
    chat = new KafkaFactories(KafkaExtension.bootstrapServers(), "rtb-chat").newProducer();
  }

  @AfterAll
  static void stop() {
    chat.close();
    server.close();
    worker.stop();
  }

  @Test
  void aBlockedSendersMessageIsNotPushedToTheBlockerAndItsForgedAckTellsTheSenderNothing() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID direct = fixtures.conversation(alice, bob);
    fixtures.block(alice, bob);
    WsClient aliceDevice = server.ws(alice);
    WsClient bobDevice = server.ws(bob);
    aliceDevice.eventsUntilPong();
    bobDevice.eventsUntilPong();
    long handled = server.storedEventsHandled();

    MessageSubmitted during = submit(direct, bob, "are you there?", alice);

    server.awaitStoredEventsHandled(handled + 1);
    assertThat(aliceDevice.eventsUntilPong()).noneMatch(ServerEvent::hasNewMessage);
    aliceDevice.sendJson("{\"ack\":{\"messageId\":\"" + during.getMessageId()
        + "\",\"conversationId\":\"" + direct + "\"}}");
    aliceDevice.sendJson("{\"readReceipt\":{\"messageId\":\"" + during.getMessageId()
        + "\",\"conversationId\":\"" + direct + "\"}}");
    // Refused as for a message that does not exist; the sender hears nothing (one tick).
    assertThat(aliceDevice.next(EventCase.ERROR).getError().getCode()).isEqualTo("NOT_FOUND");
    assertThat(aliceDevice.next(EventCase.ERROR).getError().getCode()).isEqualTo("NOT_FOUND");
    assertThat(bobDevice.eventsUntilPong()).noneMatch(e -> e.hasDelivered() || e.hasRead());
    assertThat(fixtures.count("SELECT count(*) FROM message_status WHERE message_id = ?",
        UUID.fromString(during.getMessageId()))).isZero();
    aliceDevice.close();
    bobDevice.close();
  }

  @Test
  void theBlockersCatchUpLeavesOutWhatWasSentDuringTheBlockEvenAfterTheUnblock() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID direct = fixtures.conversation(alice, bob);
    submit(direct, bob, "before", alice);
    awaitStored(direct, 1);
    fixtures.block(alice, bob);
    submit(direct, bob, "during", alice);
    awaitStored(direct, 2);
    fixtures.unblock(alice, bob);
    submit(direct, bob, "after", alice);
    awaitStored(direct, 3);

    WsClient aliceDevice = server.ws(alice);

    assertThat(aliceDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getContent()).isEqualTo("before");
    assertThat(aliceDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getContent()).isEqualTo("after");
    assertThat(aliceDevice.eventsUntilPong()).noneMatch(ServerEvent::hasNewMessage);
    aliceDevice.close();
  }

  @Test
  void aBlockedSendersMessageAfterTheUnblockIsPushedAndAcknowledgedAsUsual() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID direct = fixtures.conversation(alice, bob);
    fixtures.block(alice, bob);
    fixtures.unblock(alice, bob);
    WsClient aliceDevice = server.ws(alice);
    WsClient bobDevice = server.ws(bob);
    aliceDevice.eventsUntilPong();

    MessageSubmitted after = submit(direct, bob, "hello again", alice);

    assertThat(aliceDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(after.getMessageId());
    aliceDevice.sendJson("{\"ack\":{\"messageId\":\"" + after.getMessageId()
        + "\",\"conversationId\":\"" + direct + "\"}}");
    assertThat(bobDevice.next(EventCase.DELIVERED).getDelivered().getMessageId()).isEqualTo(after.getMessageId());
    aliceDevice.close();
    bobDevice.close();
  }

  @Test
  void groupMessagesOfABlockedSenderReachTheBlockerAndTheirAckReachesTheSender() {
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID group = UUID.randomUUID();
    fixtures.update("INSERT INTO conversations (id, is_group, group_name) VALUES (?, true, 'two of us')", group);
    fixtures.addParticipant(group, alice);
    fixtures.addParticipant(group, bob);
    fixtures.block(alice, bob);
    WsClient aliceDevice = server.ws(alice);
    WsClient bobDevice = server.ws(bob);
    aliceDevice.eventsUntilPong();

    MessageSubmitted message = submit(group, bob, "in the group", alice);

    assertThat(aliceDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId()).isEqualTo(message.getMessageId());
    aliceDevice.sendJson("{\"ack\":{\"messageId\":\"" + message.getMessageId()
        + "\",\"conversationId\":\"" + group + "\"}}");
    assertThat(bobDevice.next(EventCase.DELIVERED).getDelivered().getMessageId()).isEqualTo(message.getMessageId());
    aliceDevice.close();
    bobDevice.close();
  }

  /** What chat's SendMessage publishes. */
  private static MessageSubmitted submit(UUID conversation, UUID sender, String content, UUID... recipients) {
    MessageSubmitted.Builder message = MessageSubmitted.newBuilder()
        .setMessageId(UuidCreator.getTimeOrderedEpoch().toString())
        .setConversationId(conversation.toString())
        .setSenderId(sender.toString())
        .setContent(content)
        .setCreatedAtMicros(System.currentTimeMillis() * 1000);
    for (UUID recipient : recipients) {
      message.addRecipientIds(recipient.toString());
    }
    MessageSubmitted built = message.build();
    try {
      chat.send(new ProducerRecord<>(prefix + KafkaTopics.MESSAGES_SUBMITTED, built.getConversationId(),
          built.toByteArray())).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not submit a message", e);
    }
    return built;
  }

  private static void awaitStored(UUID conversation, int count) {
    try {
      Eventually.await(count + " stored messages",
          () -> fixtures.count("SELECT count(*) FROM messages WHERE conversation_id = ?", conversation),
          stored -> stored == count);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
