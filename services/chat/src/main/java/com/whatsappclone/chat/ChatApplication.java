package com.whatsappclone.chat;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.SessionRevocationPoller;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.DatabaseSettings;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.KafkaSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.GrpcServerSettings;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.kafka.ProducerTimeouts;
import com.whatsappclone.common.kafka.TopicSettings;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.common.lifecycle.Resources;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;

/** Wires the chat service: conversations, groups, and the send path into Kafka. */
public final class ChatApplication {

  private ChatApplication() {}

  /** How long following realtime.events may take to start before it is retried. */
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLEANUP_INTERVAL = Duration.ofHours(1);
  /** Reservation batches at the database at once (see {@link ReservationWriter}). */
  private static final int RESERVATION_WRITERS = 2;

  public static GrpcServer start(Settings settings, Clock clock) {
    return start(settings, clock, UnaryOperator.identity());
  }

  /** As {@link #start(Settings, Clock)}, counting into {@code metrics} (tests read them back). */
  public static GrpcServer start(Settings settings, Clock clock, ServiceMetrics metrics) {
    return start(settings, clock, UnaryOperator.identity(), metrics);
  }

  static GrpcServer start(Settings settings, Clock clock, UnaryOperator<DataSource> tables) {
    return start(settings, clock, tables, ServiceMetrics.fromSettings(settings, "chat",
        ServicePorts.CHAT_SERVICE_METRICS_PORT, ServicePorts.DEFAULT_CHAT_SERVICE_METRICS_PORT));
  }

  /**
   * @param tables wraps the pool the tables are read and written through (tests count the
   *               statements and commits a call costs); identity in production
   */
  static GrpcServer start(Settings settings, Clock clock, UnaryOperator<DataSource> tables,
      ServiceMetrics metrics) {
    GrpcServerSettings grpc = GrpcServerSettings.from(settings, ServicePorts.CHAT_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_CHAT_SERVICE_GRPC_PORT);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    String brokers = KafkaSettings.brokers(settings);
    TopicSettings topicSettings = TopicSettings.from(settings);
    SendLimitSettings sendLimit = SendLimitSettings.from(settings);
    ChatSettings chat = ChatSettings.from(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    MessagingTopics topics = topicSettings.topics();
    ProducerTimeouts timeouts = ProducerTimeouts.DEFAULTS;
    // Closed last-pushed first, after in-flight calls drained or when start-up fails half way.
    // One registry per service instance (the caller's); every part that counts something gets it (issue 19).
    return Resources.startOrClose(resources -> {
      Database database = resources.push(Database.start(databaseConfig.orElseThrow(), "chat-db", metrics));
      TokenManager tokens = jwt.tokenManager(clock);
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      resources.push(SessionRevocationPoller.start("chat", database.dataSource(), revocations, revocationPoll));
      KafkaFactories kafka = new KafkaFactories(brokers, "chat", metrics);
      Producer<String, byte[]> producer = resources.push(kafka.newProducer(timeouts));
      DataSource data = tables.apply(database.dataSource());
      ConversationStore conversationStore = new ConversationStore(data);
      MembershipFollower follower = resources.push(new MembershipFollower(kafka, topics.realtimeEvents()));
      ConversationCache cache = new ConversationCache(conversationStore::find,
          chat.conversationCacheSize(), chat.conversationCacheTtl(), clock, follower::following);
      KafkaTopicSetup topicSetup = resources.push(new KafkaTopicSetup(
          () -> Topics.ensure(kafka, topicSettings.all()),
          () -> follower.follow(cache, KAFKA_START_TIMEOUT)));
      AcknowledgedSender sender = resources.push(new AcknowledgedSender(producer, topicSetup,
          timeouts.maxBlock().plus(timeouts.delivery()).plusSeconds(1)));

      MessageEvents events = new MessageEvents(sender, topics, metrics.tracing());
      ConversationService conversations = new ConversationService(conversationStore,
          new PrivacyStore(data), cache, events, chat.maxGroupMembers(), clock);
      PendingMessageStore pending = new PendingMessageStore(data);
      ReservationWriter reservations = resources.push(
          new ReservationWriter(pending, RESERVATION_WRITERS, "chat-reservations"));
      MessageService messages = new MessageService(cache, conversationStore, new MessageStore(data),
          pending, reservations, events, new SendRateLimiter(sendLimit, clock, metrics.registry()), clock,
          metrics.registry());
      Duration retention = chat.clientMessageIdRetention();
      // Not through `tables`: background work, not the cost of a call.
      resources.push(new ReservationCleanup(new PendingMessageStore(database.dataSource()), retention, clock)
          .start(retention.compareTo(CLEANUP_INTERVAL) < 0 ? retention : CLEANUP_INTERVAL));

      GrpcServer server = GrpcServer.builder("chat", grpc)
          .refusalsFollow(database)
          .readyWhen("database", database::unreachable)
          .intercept(new AuthInterceptor(tokens, revocations))
          .addService(new ChatGrpcService(conversations, messages))
          .metrics(metrics)
          .closeOnStop(resources)
          .start();
      topicSetup.start();
      return server;
    });
  }
}
