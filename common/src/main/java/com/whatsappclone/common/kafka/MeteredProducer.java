package com.whatsappclone.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serializer;

/** A producer whose metrics are in the service's registry from its start until it is closed. */
final class MeteredProducer<K, V> extends KafkaProducer<K, V> {

  private final ClientMetricsBinding metrics;

  MeteredProducer(Map<String, Object> props, Serializer<K> keys, Serializer<V> values, MeterRegistry registry) {
    super(props, keys, values);
    ClientMetricsBinding binding;
    try {
      binding = ClientMetricsBinding.of(this, String.valueOf(props.get(CommonClientConfigs.CLIENT_ID_CONFIG)), registry);
    } catch (RuntimeException e) {
      super.close(Duration.ZERO);
      throw e;
    }
    this.metrics = binding;
  }

  @Override
  public void close() {
    try {
      super.close();
    } finally {
      unbind();
    }
  }

  @Override
  public void close(Duration timeout) {
    try {
      super.close(timeout);
    } finally {
      unbind();
    }
  }

  /** Null while the constructor is still running (a failed binding closes the client). */
  private void unbind() {
    if (metrics != null) {
      metrics.close();
    }
  }
}
