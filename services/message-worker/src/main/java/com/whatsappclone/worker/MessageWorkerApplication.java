package com.whatsappclone.worker;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.config.DatabaseSettings;
import com.whatsappclone.common.config.KafkaSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.GrpcServerSettings;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.kafka.TopicSettings;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.common.lifecycle.Resources;
import com.whatsappclone.worker.push.PushNotifications;
import com.whatsappclone.worker.push.PushProviders;
import com.whatsappclone.worker.push.PushSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the message worker: the consumer loop that stores submitted messages and publishes stored
 * events, and a gRPC server with health only (SERVING while the database answers, the loop has
 * its partitions ({@link LoopHealth}) and is not behind ({@link ConsumerLag})); and, when provider credentials are set, push notifications for devices
 * that are not connected ({@link PushNotifications}, health service {@code push}).
 */
public final class MessageWorkerApplication {

  private static final Logger log = LoggerFactory.getLogger(MessageWorkerApplication.class);

  private MessageWorkerApplication() {}

  /** A started worker: its gRPC server (whose stop closes everything) and push, when on. */
  public record RunningWorker(GrpcServer server, Optional<PushNotifications> push) {}

  public static GrpcServer start(Settings settings, Clock clock) {
    return start(settings, clock, WorkerHooks.NONE);
  }

  /** @param hooks crash points for tests; {@link WorkerHooks#NONE} in production */
  public static GrpcServer start(Settings settings, Clock clock, WorkerHooks hooks) {
    return startWorker(settings, clock, hooks).server();
  }

  /** As {@link #start(Settings, Clock)}, counting into {@code metrics} (tests read them back). */
  public static GrpcServer start(Settings settings, Clock clock, ServiceMetrics metrics) {
    return startWorker(settings, clock, WorkerHooks.NONE, metrics).server();
  }

  /** {@link #start}, with push's handle for tests and the bench. */
  public static RunningWorker startWorker(Settings settings, Clock clock, WorkerHooks hooks) {
    return startWorker(settings, clock, hooks, ServiceMetrics.fromSettings(settings, "message-worker",
        ServicePorts.MESSAGE_WORKER_METRICS_PORT, ServicePorts.DEFAULT_MESSAGE_WORKER_METRICS_PORT));
  }

  /** {@link #startWorker(Settings, Clock, WorkerHooks)}, counting into {@code metrics}. */
  public static RunningWorker startWorker(Settings settings, Clock clock, WorkerHooks hooks,
      ServiceMetrics metrics) {
    GrpcServerSettings grpc = GrpcServerSettings.from(settings, ServicePorts.MESSAGE_WORKER_GRPC_PORT,
        ServicePorts.DEFAULT_MESSAGE_WORKER_GRPC_PORT);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    String brokers = KafkaSettings.brokers(settings);
    TopicSettings topicSettings = TopicSettings.from(settings);
    String groupId = settings.string("MESSAGE_WORKER_GROUP_ID", "message-worker");
    int maxPollRecords = settings.integer("MESSAGE_WORKER_MAX_POLL_RECORDS", 500, 1, 10_000);
    Duration sessionTimeout = settings.positive("MESSAGE_WORKER_SESSION_TIMEOUT", KafkaFactories.GROUP_SESSION_TIMEOUT);
    Optional<String> instanceId = settings.optional("MESSAGE_WORKER_INSTANCE_ID").map(String::trim)
        .filter(id -> !id.isEmpty());
    int lagWarning = settings.integer("MESSAGE_WORKER_LAG_WARNING", 5_000, 1, Integer.MAX_VALUE);
    PushSettings pushSettings = PushSettings.from(settings);
    PushProviders pushProviders = PushProviders.from(settings);
    settings.check();
    log.info("push notifications: {}", pushProviders.describe());

    MessagingTopics topics = topicSettings.topics();
    // Closed last-pushed first: the loop stops before the producer and the pool it uses.
    // One registry per service instance (the caller's); every part that counts something gets it (issue 19).
    return Resources.startOrClose(resources -> {
      resources.push(pushProviders);
      Database database = resources.push(Database.start(databaseConfig.orElseThrow(), "message-worker-db", metrics));
      KafkaFactories kafka = new KafkaFactories(brokers, "message-worker", metrics);
      Producer<String, byte[]> producer = resources.push(kafka.newProducer());
      Map<String, Object> overrides = new HashMap<>(KafkaFactories.BATCHING_FETCH);
      overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
      // Failover (measured in configs/README.md): the classic protocol with a short session, so a
      // killed worker's partitions move within seconds; with an instance id, static membership on
      // top, so a worker restarted under the same id takes its partitions back at once (no
      // rebalance) instead of waiting for its dead predecessor's session to end. No default id:
      // two processes with one id fence each other, and only the operator knows what is unique.
      overrides.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
      overrides.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1, sessionTimeout.toMillis() / 3));
      instanceId.ifPresent(id -> overrides.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
      Consumer<String, byte[]> consumer = kafka.newConsumer(groupId, new StringDeserializer(),
          new ByteArrayDeserializer(), overrides);

      LoopHealth health = new LoopHealth();
      ConsumerLag lag = new ConsumerLag(lagWarning, clock);
      MessageConsumerLoop loop = resources.push(new MessageConsumerLoop(consumer, topics,
          () -> Topics.ensure(kafka, topicSettings.all()),
          new MessageBatchStore(database.dataSource()),
          new WorkerEventPublisher(producer, topics, metrics.tracing()),
          hooks,
          health,
          lag,
          new WorkerMetrics(metrics.registry(), clock),
          metrics.tracing()));

      GrpcServer server = GrpcServer.builder("message-worker", grpc)
          .readyWhen("database", database::unreachable)
          .readyWhen("partitions", health)
          .readyWhen("lag", lag)
          .metrics(metrics).closeOnStop(resources).start();
      health.reportTo(server.readiness().orElseThrow());
      loop.start();
      Optional<PushNotifications> push = Optional.empty();
      if (pushProviders.enabled()) {
        push = Optional.of(resources.push(PushNotifications.start(pushProviders, pushSettings,
            database.dataSource(), kafka, topics.stored(), clock, server.health(), metrics.registry())));
      }
      return new RunningWorker(server, push);
    });
  }
}
