package com.whatsappclone.common.kafka;

import com.whatsappclone.common.lifecycle.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * One Kafka client's metrics in the service's registry (Micrometer's {@link KafkaClientMetrics}:
 * kafka_consumer_fetch_manager_records_lag{client_id,topic,partition}, kafka_producer_record_send_total...),
 * unbound when the client closes.
 *
 * <p>The binder looks for metrics the client has started to report (a partition just assigned)
 * every {@link #REFRESH}; it gets a thread of its own, stopped at close, because a binder on a
 * shared scheduler leaves its refresh running after it is closed.
 */
final class ClientMetricsBinding implements AutoCloseable {

  /** How soon a newly assigned partition's lag appears; the refresh only compares metric names. */
  static final Duration REFRESH = Duration.ofSeconds(5);

  private final ScheduledExecutorService refresher;
  private final KafkaClientMetrics binder;
  private final AtomicBoolean closed = new AtomicBoolean();

  <C> ClientMetricsBinding(C client, String clientId, MeterRegistry registry,
      BiFunction<C, ScheduledExecutorService, KafkaClientMetrics> binderFor) {
    this.refresher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(clientId + "-metrics"));
    this.binder = binderFor.apply(client, refresher);
    binder.bindTo(registry);
  }

  static ClientMetricsBinding of(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, String clientId,
      MeterRegistry registry) {
    return new ClientMetricsBinding(consumer, clientId, registry,
        (c, scheduler) -> new KafkaClientMetrics(c, Tags.empty(), scheduler, REFRESH));
  }

  static ClientMetricsBinding of(org.apache.kafka.clients.producer.Producer<?, ?> producer, String clientId,
      MeterRegistry registry) {
    return new ClientMetricsBinding(producer, clientId, registry,
        (p, scheduler) -> new KafkaClientMetrics(p, Tags.empty(), scheduler, REFRESH));
  }

  /** Removes the client's series and stops the refresh; once. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      refresher.shutdownNow();
      binder.close();
    }
  }
}
