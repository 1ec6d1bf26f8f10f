package com.whatsappclone.worker;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Closer;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TopicReader;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.common.config.Settings;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One test class's world: a fresh database, its own topic prefix on the shared broker, helpers to
 * create users and conversations, to submit messages as chat would, and to read what the worker
 * stored and published.
 */
// close() may be interrupted like any test code; nothing to handle there
@SuppressWarnings("try")
final class WorkerTestKit implements AutoCloseable {

  final TestDatabase database = PostgresExtension.newDatabase();
  final String topicPrefix = UniqueNames.of("wt") + ".";
  final MessagingTopics topics = MessagingTopics.withPrefix(topicPrefix);
  final String groupId = UniqueNames.of("worker-group");
  private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaExtension.bootstrapServers(),
      ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
      new StringSerializer(), new ByteArraySerializer());
  private final SqlFixtures rows = new SqlFixtures(database);
  private final Closer toClose = new Closer();

  Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("MESSAGE_WORKER_GRPC_PORT", "0");
    settings.put("MESSAGE_WORKER_METRICS_PORT", "0");
    settings.put("GRPC_BIND_HOST", "127.0.0.1");
    settings.put("GRPC_DRAIN_TIMEOUT", "1s");
    settings.put("DATABASE_URL", database.jdbcUrlWithCredentials());
    settings.put("DB_MAX_POOL_SIZE", "4");
    settings.put("KAFKA_BROKERS", KafkaExtension.bootstrapServers());
    settings.put("KAFKA_TOPIC_PREFIX", topicPrefix);
    settings.put("KAFKA_TOPIC_PARTITIONS", "3");
    settings.put("MESSAGE_WORKER_GROUP_ID", groupId);
    return settings;
  }

  GrpcServer startWorker(WorkerHooks hooks) {
    return startWorker(hooks, Map.of());
  }

  GrpcServer startWorker(WorkerHooks hooks, Map<String, String> overrides) {
    return startRunningWorker(hooks, overrides).server();
  }

  /** A worker with these settings on top of the kit's, with its push handle. */
  MessageWorkerApplication.RunningWorker startRunningWorker(WorkerHooks hooks, Map<String, String> overrides) {
    return startRunningWorker(hooks, overrides, ServiceMetrics.create("message-worker"));
  }

  /** {@link #startRunningWorker(WorkerHooks, Map)}, counting into {@code metrics}. */
  MessageWorkerApplication.RunningWorker startRunningWorker(WorkerHooks hooks, Map<String, String> overrides,
      ServiceMetrics metrics) {
    Map<String, String> settings = settings();
    settings.putAll(overrides);
    MessageWorkerApplication.RunningWorker worker =
        MessageWorkerApplication.startWorker(Settings.of(settings), Clock.systemUTC(), hooks, metrics);
    toClose.register(worker.server()::stop);
    return worker;
  }

  /** The schema without starting a worker (which would migrate it too). */
  void migrate() {
    org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
    dataSource.setURL(database.jdbcUrl());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password());
    com.whatsappclone.common.db.Migrations.migrate(dataSource);
  }

  /** The topics as the worker creates them, so that records can be submitted before it starts. */
  void createTopics() {
    com.whatsappclone.common.kafka.Topics.ensure(KafkaExtension.bootstrapServers(), topics.all(3, (short) 1));
  }

  // ---- rows -----------------------------------------------------------------------------------

  UUID createUser() {
    return rows.newUser();
  }

  UUID createConversation(UUID... members) {
    return rows.conversation(members);
  }

  /** A group (is_group) with exactly these members, however few. */
  UUID createGroup(UUID... members) {
    UUID id = UUID.randomUUID();
    rows.update("INSERT INTO conversations (id, is_group, group_name) VALUES (?, true, 'g')", id);
    for (UUID member : members) {
      rows.addParticipant(id, member);
    }
    return id;
  }

  /** An active device session of the user (what VerifyOTP opens). */
  UUID deviceSession(UUID user) {
    return rows.deviceSession(user);
  }

  /** What auth's RegisterPushToken writes. */
  void registerPush(UUID session, String platform, String token, boolean apnsSandbox) {
    rows.registerPush(session, platform, token, apnsSandbox);
  }

  /** What realtime writes while the session has a WebSocket open. */
  void connect(UUID user, UUID session) {
    rows.connection(user, session);
  }

  /** Any other row change, as the service owning the table would make it. */
  void update(String sql, Object... params) {
    rows.update(sql, params);
  }

  /** What auth's Block writes: {@code blocker} blocked {@code blocked}. */
  void block(UUID blocker, UUID blocked) {
    rows.block(blocker, blocked);
  }

  /** What auth's Unblock writes. */
  void unblock(UUID blocker, UUID blocked) {
    rows.unblock(blocker, blocked);
  }

  /** A message as chat would submit it: a new time-ordered id, "now", the other members as recipients. */
  MessageSubmitted message(UUID conversation, UUID sender, String content, UUID... recipients) {
    MessageSubmitted.Builder m = MessageSubmitted.newBuilder()
        .setMessageId(com.github.f4b6a3.uuid.UuidCreator.getTimeOrderedEpoch().toString())
        .setConversationId(conversation.toString())
        .setSenderId(sender.toString())
        .setContent(content)
        .setCreatedAtMicros(System.currentTimeMillis() * 1000);
    for (UUID r : recipients) {
      m.addRecipientIds(r.toString());
    }
    return m.build();
  }

  /** {@link #message} with a client_message_id, the key that makes a resend harmless. */
  MessageSubmitted messageWithClientId(String clientMessageId, UUID conversation, UUID sender, String content,
      UUID... recipients) {
    return message(conversation, sender, content, recipients).toBuilder().setClientMessageId(clientMessageId).build();
  }

  void submit(MessageSubmitted... messages) throws Exception {
    for (MessageSubmitted m : messages) {
      submitRaw(m.getConversationId(), m.toByteArray());
    }
  }

  void submitRaw(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topics.submitted(), key, value)).get(30, TimeUnit.SECONDS);
  }

  /** The worker's output on one of its topics, read from the start. */
  TopicReader reader(String topic) {
    return toClose.register(new TopicReader(topic));
  }

  static List<MessageStored> storedEvents(TopicReader reader) {
    return reader.records().stream().map(r -> {
      try {
        return MessageStored.parseFrom(r.value());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError("not a MessageStored on the stored topic", e);
      }
    }).toList();
  }

  // ---- database reads -------------------------------------------------------------------------

  /** A conversation's stored messages as "seq:id", in seq order. */
  List<String> seqAndIds(UUID conversation) {
    return rows.strings("SELECT seq || ':' || id FROM messages WHERE conversation_id = ? ORDER BY seq", conversation);
  }

  /** Waits until the conversation has {@code count} stored messages; returns them as {@link #seqAndIds}. */
  List<String> awaitStored(UUID conversation, int count) throws Exception {
    return Eventually.await(count + " stored messages", () -> seqAndIds(conversation), rows -> rows.size() == count);
  }

  long count(String sql, Object... params) {
    return rows.count(sql, params);
  }

  /** Waits until the worker created its topics and consumes (submitting earlier would auto-create them). */
  static void awaitServing(GrpcServer server) throws Exception {
    GrpcHealth.awaitServing("the worker", server.port());
  }

  static ServingStatus health(GrpcServer server) {
    return GrpcHealth.of(server.port());
  }

  @Override
  public void close() throws Exception {
    try {
      toClose.close();
    } finally {
      producer.close();
    }
  }
}
