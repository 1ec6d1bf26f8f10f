package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionTest {

  @Test
  void recordProducedIsConsumedThroughAGroupThatCommitsManually(TestKafka kafka) throws Exception {
    String topic = UniqueNames.of("infra-roundtrip");
    String group = UniqueNames.of("infra-group");

    RecordMetadata written;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000),
        new StringSerializer(), new StringSerializer())) {
      written = producer.send(new ProducerRecord<>(topic, "k1", "hello")).get(15, TimeUnit.SECONDS);
    }

    TopicPartition partition = new TopicPartition(topic, written.partition());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> received = pollUntilOne(consumer, Duration.ofSeconds(30));

      assertThat(received).singleElement().satisfies(record -> {
        assertThat(record.key()).isEqualTo("k1");
        assertThat(record.value()).isEqualTo("hello");
        assertThat(record.offset()).isEqualTo(written.offset());
      });
      consumer.commitSync();
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(java.util.Set.of(partition));
      assertThat(committed.get(partition).offset()).isEqualTo(written.offset() + 1);
    }
  }

  @Test
  void staticAccessorAndParameterNameTheSameBroker(TestKafka kafka) {
    assertThat(KafkaExtension.bootstrapServers()).isEqualTo(kafka.bootstrapServers()).isNotBlank();
  }

  private static <K, V> List<ConsumerRecord<K, V>> pollUntilOne(
      KafkaConsumer<K, V> consumer, Duration limit) {
    List<ConsumerRecord<K, V>> received = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (received.isEmpty() && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(received::add);
    }
    return received;
  }
}
