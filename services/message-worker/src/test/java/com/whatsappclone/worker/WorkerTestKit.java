package com.whatsappclone.worker;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TopicReader;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.common.config.Settings;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  private static final AtomicInteger PHONE = new AtomicInteger();

  final TestDatabase database = PostgresExtension.newDatabase();
  final String topicPrefix = UniqueNames.of("wt") + ".";
  final MessagingTopics topics = MessagingTopics.withPrefix(topicPrefix);
  final String groupId = UniqueNames.of("worker-group");
  private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaExtension.bootstrapServers(),
      ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
      new StringSerializer(), new ByteArraySerializer());
  private final List<AutoCloseable> toClose = new ArrayList<>();

  Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("MESSAGE_WORKER_GRPC_PORT", "0");
    settings.put("GRPC_BIND_HOST", "127.0.0.1");
    settings.put("GRPC_DRAIN_TIMEOUT", "1s");
    settings.put("DATABASE_URL", jdbcUrlWithCredentials());
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
    Map<String, String> settings = settings();
    settings.putAll(overrides);
    GrpcServer server = MessageWorkerApplication.start(Settings.of(settings), Clock.systemUTC(), hooks);
    toClose.add(server::stop);
    return server;
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

  String jdbcUrlWithCredentials() {
    String url = database.jdbcUrl();
    return url + (url.contains("?") ? "&" : "?") + "user=" + database.user()
        + (database.password() == null ? "" : "&password=" + database.password());
  }

  // ---- rows -----------------------------------------------------------------------------------

  UUID createUser() throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, phone_number) VALUES (?, ?)")) {
      ps.setObject(1, id);
      ps.setString(2, "+1555" + String.format("%07d", PHONE.incrementAndGet()));
      ps.executeUpdate();
    }
    return id;
  }

  UUID createConversation(UUID... members) throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = database.connect()) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO conversations (id, is_group) VALUES (?, ?)")) {
        ps.setObject(1, id);
        ps.setBoolean(2, members.length > 2);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (?, ?)")) {
        for (UUID member : members) {
          ps.setObject(1, id);
          ps.setObject(2, member);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return id;
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
    TopicReader reader = new TopicReader(topic);
    toClose.add(reader);
    return reader;
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
  List<String> seqAndIds(UUID conversation) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement(
            "SELECT seq, id FROM messages WHERE conversation_id = ? ORDER BY seq")) {
      ps.setObject(1, conversation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getLong(1) + ":" + rs.getObject(2));
        }
      }
    }
    return rows;
  }

  long count(String sql, Object... params) throws SQLException {
    try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Waits until the worker created its topics and consumes (submitting earlier would auto-create them). */
  static void awaitServing(GrpcServer server) throws Exception {
    Eventually.await("the worker to serve", () -> health(server), s -> s == ServingStatus.SERVING);
  }

  static ServingStatus health(GrpcServer server) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().build()).getStatus();
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    producer.close();
    if (failure != null) {
      throw failure;
    }
  }
}
