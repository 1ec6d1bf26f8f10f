package com.whatsappclone.worker.push;

import com.whatsappclone.common.kafka.KafkaFactories;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Push for devices that are not connected, wired: the consumer of stored messages, the planner
 * that picks devices, the dispatcher that talks to the providers. Runs in the message worker
 * because it reads what the worker stores; connection state comes from realtime's table, so it
 * works with any number of realtime instances.
 */
public final class PushNotifications implements AutoCloseable {

  /** The gRPC health service name push reports under: SERVING once it reads stored messages. */
  public static final String HEALTH_SERVICE = "push";

  private final PushConsumerLoop loop;
  private final PushPlanner planner;
  private final PushDispatcher dispatcher;

  private PushNotifications(PushConsumerLoop loop, PushPlanner planner, PushDispatcher dispatcher) {
    this.loop = loop;
    this.planner = planner;
    this.dispatcher = dispatcher;
  }

  /**
   * Starts reading {@code storedTopic}. The providers stay the caller's to close, after this.
   *
   * @param health where {@link #HEALTH_SERVICE} is reported
   * @param metrics where push counts its outcomes and backlog
   */
  public static PushNotifications start(PushProviders providers, PushSettings settings,
      DataSource dataSource, KafkaFactories kafka, String storedTopic, Clock clock,
      HealthStatusManager health, MeterRegistry metrics) {
    Map<PushPlatform, PushSender> senders = new EnumMap<>(PushPlatform.class);
    for (PushPlatform platform : PushPlatform.values()) {
      providers.sender(platform).ifPresent(sender -> senders.put(platform, sender));
    }
    PushRegistrationStore store = new PushRegistrationStore(dataSource);
    PushDispatcher dispatcher = new PushDispatcher(senders, store, settings, clock, metrics);
    PushPlanner planner = new PushPlanner(store, dispatcher, settings, clock);
    Map<String, Object> overrides = new HashMap<>(KafkaFactories.BATCHING_FETCH);
    overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    Consumer<String, byte[]> consumer = kafka.newConsumer(settings.groupId(),
        new StringDeserializer(), new ByteArrayDeserializer(), overrides);
    PushConsumerLoop loop = new PushConsumerLoop(consumer, storedTopic, planner, dispatcher,
        settings.maxPending(), new PushConsumerLoop.HealthListener() {
          @Override
          public void ready() {
            health.setStatus(HEALTH_SERVICE, ServingStatus.SERVING);
          }

          @Override
          public void stopped() {
            health.setStatus(HEALTH_SERVICE, ServingStatus.NOT_SERVING);
          }
        });
    health.setStatus(HEALTH_SERVICE, ServingStatus.NOT_SERVING);
    planner.start();
    loop.start();
    return new PushNotifications(loop, planner, dispatcher);
  }

  /** Whether the consumer has its partitions, so a message stored from now on is pushed. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return loop.awaitAssigned(timeout);
  }

  /** Notifications waiting or in flight. */
  public int backlog() {
    return dispatcher.backlog();
  }

  public PushStats stats() {
    return dispatcher.stats();
  }

  @Override
  public void close() {
    loop.close();
    planner.close();
    dispatcher.close();
  }
}
