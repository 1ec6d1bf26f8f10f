package com.whatsappclone.worker;

import com.whatsappclone.common.config.DatabaseSettings;
import com.whatsappclone.common.config.KafkaSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.common.net.TlsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Wires the message worker: the consumer loop that stores submitted messages and publishes stored
 * events, and a gRPC server with health only (SERVING while the loop consumes).
 */
public final class MessageWorkerApplication {

  private MessageWorkerApplication() {}

  public static GrpcServer start(Settings settings, Clock clock) {
    return start(settings, clock, WorkerHooks.NONE);
  }

  /** @param hooks crash points for tests; {@link WorkerHooks#NONE} in production */
  public static GrpcServer start(Settings settings, Clock clock, WorkerHooks hooks) {
    int port = settings.port(ServicePorts.MESSAGE_WORKER_GRPC_PORT,
        ServicePorts.DEFAULT_MESSAGE_WORKER_GRPC_PORT);
    Optional<String> bindHost = settings.optional("GRPC_BIND_HOST");
    TlsSettings tls = TlsSettings.from(settings);
    Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    String brokers = KafkaSettings.brokers(settings);
    String topicPrefix = settings.string("KAFKA_TOPIC_PREFIX", "");
    if (!MessagingTopics.isLegalPrefix(topicPrefix)) {
      settings.reportProblem("KAFKA_TOPIC_PREFIX may hold only letters, digits, '.', '_' and '-'"
          + " (at most 100)");
    }
    int partitions = settings.integer("KAFKA_TOPIC_PARTITIONS", 6, 1, 10_000);
    int replicationFactor = settings.integer("KAFKA_TOPIC_REPLICATION_FACTOR", 1, 1, 32);
    String groupId = settings.string("MESSAGE_WORKER_GROUP_ID", "message-worker");
    int maxPollRecords = settings.integer("MESSAGE_WORKER_MAX_POLL_RECORDS", 500, 1, 10_000);
    settings.check();

    MessagingTopics topics = MessagingTopics.withPrefix(topicPrefix);
    // Opened resources, closed in reverse if start-up fails half way.
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      Database database = Database.start(databaseConfig.orElseThrow(), "message-worker-db");
      opened.push(database);
      KafkaFactories kafka = new KafkaFactories(brokers, "message-worker");
      Producer<String, byte[]> producer = kafka.newProducer();
      opened.push(producer);
      Consumer<String, byte[]> consumer = kafka.newConsumer(groupId, new StringDeserializer(),
          new ByteArrayDeserializer(), Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords));

      LoopHealth health = new LoopHealth();
      MessageConsumerLoop loop = new MessageConsumerLoop(consumer, topics,
          () -> Topics.ensure(kafka, topics.all(partitions, (short) replicationFactor)),
          new MessageBatchStore(database.dataSource()),
          new WorkerEventPublisher(producer, topics),
          hooks,
          health);
      opened.push(loop);

      GrpcServer.Builder builder = GrpcServer.builder("message-worker", port).drainTimeout(drainTimeout);
      bindHost.ifPresent(builder::host);
      builder.tls(tls);
      // Closed last-registered first: the loop stops before the producer and the pool it uses.
      builder.closeOnStop(database).closeOnStop(producer).closeOnStop(loop);
      GrpcServer server = builder.start();
      health.attach(server.health());
      loop.start();
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
