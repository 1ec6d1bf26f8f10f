package com.whatsappclone.chat;

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
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.kafka.ProducerTimeouts;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.common.net.TlsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;

/** Wires the chat service: conversations, groups, and the send path into Kafka. */
public final class ChatApplication {

  private ChatApplication() {}

  public static GrpcServer start(Settings settings, Clock clock) {
    int port = settings.port(ServicePorts.CHAT_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_CHAT_SERVICE_GRPC_PORT);
    Optional<String> bindHost = settings.optional("GRPC_BIND_HOST");
    TlsSettings tls = TlsSettings.from(settings);
    Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    String brokers = KafkaSettings.brokers(settings);
    String topicPrefix = settings.string("KAFKA_TOPIC_PREFIX", "");
    if (!MessagingTopics.isLegalPrefix(topicPrefix)) {
      settings.reportProblem("KAFKA_TOPIC_PREFIX may hold only letters, digits, '.', '_' and '-'"
          + " (at most 100)");
    }
    int partitions = settings.integer("KAFKA_TOPIC_PARTITIONS", 6, 1, 10_000);
    int replicationFactor = settings.integer("KAFKA_TOPIC_REPLICATION_FACTOR", 1, 1, 32);
    SendLimitSettings sendLimit = SendLimitSettings.from(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    MessagingTopics topics = MessagingTopics.withPrefix(topicPrefix);
    ProducerTimeouts timeouts = ProducerTimeouts.DEFAULTS;
    // Opened resources, closed in reverse if start-up fails half way.
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      Database database = Database.start(databaseConfig.orElseThrow(), "chat-db");
      opened.push(database);
      TokenManager tokens = jwt.tokenManager(clock);
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      SessionRevocationPoller poller =
          SessionRevocationPoller.start("chat", database.dataSource(), revocations, revocationPoll);
      opened.push(poller);
      KafkaFactories kafka = new KafkaFactories(brokers, "chat");
      Producer<String, byte[]> producer = kafka.newProducer(timeouts);
      opened.push(producer);
      KafkaTopicSetup topicSetup = new KafkaTopicSetup(
          () -> Topics.ensure(kafka, topics.all(partitions, (short) replicationFactor)));
      opened.push(topicSetup);
      AcknowledgedSender sender = new AcknowledgedSender(producer, topicSetup,
          timeouts.maxBlock().plus(timeouts.delivery()).plusSeconds(1));
      opened.push(sender);

      MessageEvents events = new MessageEvents(sender, topics);
      ConversationStore conversationStore = new ConversationStore(database.dataSource());
      ConversationService conversations = new ConversationService(conversationStore, events, clock);
      MessageService messages = new MessageService(conversationStore,
          new MessageStore(database.dataSource()), new PendingMessageStore(database.dataSource()),
          events, new SendRateLimiter(sendLimit, clock), clock);

      GrpcServer.Builder builder = GrpcServer.builder("chat", port)
          .addService(new ChatGrpcService(conversations, messages))
          .intercept(new AuthInterceptor(tokens, revocations))
          .drainTimeout(drainTimeout);
      bindHost.ifPresent(builder::host);
      builder.tls(tls);
      // Closed last-registered first, after in-flight calls drained.
      builder.closeOnStop(database).closeOnStop(poller).closeOnStop(producer).closeOnStop(topicSetup)
          .closeOnStop(sender);
      GrpcServer server = builder.start();
      topicSetup.start();
      return server;
    } catch (RuntimeException e) {
      while (!opened.isEmpty()) {
        try {
          opened.pop().close();
        } catch (Exception closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      throw e;
    }
  }
}
