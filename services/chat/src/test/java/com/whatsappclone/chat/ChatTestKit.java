package com.whatsappclone.chat;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.ChatServiceGrpc.ChatServiceBlockingStub;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Closer;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TopicReader;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.worker.MessageWorkerApplication;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test class's world: a fresh database, its own topic prefix on the shared broker, the chat
 * service and the real message worker behind it (both on loopback, port 0), users, and clients
 * that call as those users.
 */
// close() may be interrupted like any test code; nothing to handle there
@SuppressWarnings("try")
final class ChatTestKit implements AutoCloseable {

  static final String JWT_SECRET = "chat-tests-secret-0123456789-0123456789";
  private static final AtomicInteger PHONE = new AtomicInteger();

  final TestDatabase database = PostgresExtension.newDatabase();
  final String topicPrefix = UniqueNames.of("ct") + ".";
  final MessagingTopics topics = MessagingTopics.withPrefix(topicPrefix);
  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  final GrpcServer chat;
  final GrpcServer worker;
  /** What {@link #chat} counts (issue 19). */
  final ServiceMetrics metrics = ServiceMetrics.create("chat");
  /** What {@link #chat} runs on its tables. */
  final StatementLog statements = new StatementLog();
  private final TokenManager tokens = new TokenManager(JWT_SECRET, Duration.ofHours(1), Duration.ofDays(1), clock);
  private final SqlFixtures rows = new SqlFixtures(database);
  private final ManagedChannel channel;
  private final Closer toClose = new Closer();
  private final String brokers;
  private final Map<String, String> chatSettings;
  private final Map<GrpcServer, ManagedChannel> otherChannels = new java.util.concurrent.ConcurrentHashMap<>();

  /** Chat and a worker, both on the shared broker. */
  ChatTestKit() throws Exception {
    this(KafkaExtension.bootstrapServers(), Map.of());
  }

  /**
   * @param brokers       the Kafka both services use
   * @param chatOverrides settings of the chat service only (e.g. another KAFKA_BROKERS)
   */
  ChatTestKit(String brokers, Map<String, String> chatOverrides) throws Exception {
    this.brokers = brokers;
    Map<String, String> workerSettings = settings();
    workerSettings.put("MESSAGE_WORKER_GRPC_PORT", "0");
    workerSettings.put("MESSAGE_WORKER_METRICS_PORT", "0");
    workerSettings.put("MESSAGE_WORKER_GROUP_ID", UniqueNames.of("chat-test-worker"));
    worker = MessageWorkerApplication.start(Settings.of(workerSettings), clock);
    toClose.register(worker::stop);
    GrpcHealth.awaitServing("the worker", worker.port());

    chatSettings = settings();
    chatSettings.put("CHAT_SERVICE_GRPC_PORT", "0");
    chatSettings.put("CHAT_SERVICE_METRICS_PORT", "0");
    chatSettings.put("JWT_SECRET", JWT_SECRET);
    // The same lifetimes as the kit's own TokenManager: chat refuses tokens living longer than that.
    chatSettings.put("JWT_ACCESS_TTL", "1h");
    chatSettings.put("JWT_REFRESH_TTL", "1d");
    // The kit's clock stands still while tests send thousands of messages: no send limit unless a
    // test sets one (SendRateLimitTest).
    chatSettings.put("CHAT_SEND_RATE_PER_SECOND", "1000000");
    chatSettings.put("CHAT_SEND_BURST", "10000000");
    // The group-size tests were written for a cap of 256 (the default is ChatSettingsTest's).
    chatSettings.put("MAX_GROUP_MEMBERS", "256");
    chatSettings.putAll(chatOverrides);
    chat = ChatApplication.start(Settings.of(chatSettings), clock, statements::wrap, metrics);
    toClose.register(chat::stop);
    channel = channelTo(chat);
  }

  /** Another chat instance on the same database and topics (the kit stops it at close). */
  GrpcServer anotherChat() {
    GrpcServer another = ChatApplication.start(Settings.of(chatSettings), clock);
    toClose.register(another::stop);
    ManagedChannel toIt = channelTo(another);
    toClose.register(toIt::shutdownNow);
    otherChannels.put(another, toIt);
    return another;
  }

  /** A client of {@code server} ({@link #anotherChat}) calling as {@code user}. */
  ChatServiceBlockingStub as(UUID user, GrpcServer server) {
    return ChatServiceGrpc.newBlockingStub(otherChannels.get(server))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(user)))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static ManagedChannel channelTo(GrpcServer server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  private Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("GRPC_BIND_HOST", "127.0.0.1");
    settings.put("GRPC_DRAIN_TIMEOUT", "1s");
    settings.put("DATABASE_URL", database.jdbcUrlWithCredentials());
    settings.put("DB_MAX_POOL_SIZE", "4");
    settings.put("KAFKA_BROKERS", brokers);
    settings.put("KAFKA_TOPIC_PREFIX", topicPrefix);
    settings.put("KAFKA_TOPIC_PARTITIONS", "3");
    return settings;
  }

  /** A client calling as {@code user}, with a generous deadline per call. */
  ChatServiceBlockingStub as(UUID user) {
    return ChatServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(user)))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A client without credentials. */
  ChatServiceBlockingStub anonymous() {
    return ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private Metadata bearer(UUID user) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + tokens.issueAccessToken(user.toString()).token());
    return headers;
  }

  // ---- users and conversations ----------------------------------------------------------------

  UUID createUser() throws SQLException {
    return createUsers(1).get(0);
  }

  List<UUID> createUsers(int count) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, phone_number) VALUES (?, ?)")) {
      for (int i = 0; i < count; i++) {
        UUID id = UUID.randomUUID();
        ps.setObject(1, id);
        ps.setString(2, "+1444" + String.format("%07d", PHONE.incrementAndGet()));
        ps.addBatch();
        ids.add(id);
      }
      ps.executeBatch();
    }
    return ids;
  }

  /** What auth's Block writes: {@code blocker} blocked {@code blocked}. */
  void block(UUID blocker, UUID blocked) {
    rows.block(blocker, blocked);
  }

  /** What auth's Unblock writes. */
  void unblock(UUID blocker, UUID blocked) {
    rows.unblock(blocker, blocked);
  }

  Conversation direct(UUID caller, UUID other) {
    return as(caller).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(other.toString()).build()).getConversation();
  }

  Conversation group(UUID creator, String name, UUID... others) {
    CreateConversationRequest.Builder request = CreateConversationRequest.newBuilder()
        .setIsGroup(true).setGroupName(name);
    Arrays.stream(others).forEach(o -> request.addParticipantIds(o.toString()));
    return as(creator).createConversation(request.build()).getConversation();
  }

  Message send(UUID sender, String conversationId, String content) {
    return as(sender).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(conversationId).setContent(content).build()).getMessage();
  }

  /** Waits until the worker stored {@code count} messages in the conversation; newest first. */
  List<Message> awaitStored(UUID reader, String conversationId, int count) throws Exception {
    return Eventually.await(count + " stored messages", () -> as(reader).listMessages(
            ListMessagesRequest.newBuilder().setConversationId(conversationId).setLimit(200).build())
        .getMessagesList(), messages -> messages.size() >= count);
  }

  long count(String sql, Object... params) {
    return rows.count(sql, params);
  }

  TopicReader reader(String topic) {
    return toClose.register(new TopicReader(topic));
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    toClose.close();
  }
}
