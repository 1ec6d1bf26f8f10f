package com.whatsappclone.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/** A consumer whose metrics are in the service's registry from its start until it is closed. */
final class MeteredConsumer<K, V> extends KafkaConsumer<K, V> {

  private final ClientMetricsBinding metrics;

  MeteredConsumer(Map<String, Object> props, Deserializer<K> keys, Deserializer<V> values, MeterRegistry registry) {
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
  @SuppressWarnings("deprecation")
  public void close(Duration timeout) {
    try {
      super.close(timeout);
    } finally {
      unbind();
    }
  }

  @Override
  public void close(CloseOptions option) {
    try {
      super.close(option);
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
