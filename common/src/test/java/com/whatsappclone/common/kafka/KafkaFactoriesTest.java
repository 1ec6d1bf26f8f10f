package com.whatsappclone.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaFactoriesTest {

  @Test
  void clientsMadeWithTheServicesMetricsReportThereUntilClosed(TestKafka kafka) {
    com.whatsappclone.common.metrics.ServiceMetrics metrics =
        com.whatsappclone.common.metrics.ServiceMetrics.create("factories-test");
    KafkaFactories factories = new KafkaFactories(kafka.bootstrapServers(), "metered", metrics);
    Producer<String, byte[]> producer = factories.newProducer();
    Consumer<String, byte[]> consumer = factories.newConsumer(UniqueNames.of("metered-group"));

    assertThat(metrics.registry().find("kafka.producer.record.send.total").meters()).isNotEmpty()
        .allSatisfy(meter -> assertThat(meter.getId().getTag("service")).isEqualTo("factories-test"));
    assertThat(metrics.registry().find("kafka.consumer.fetch.manager.fetch.total").meters()).isNotEmpty();

    producer.close();
    consumer.close();
    assertThat(metrics.registry().getMeters())
        .noneMatch(meter -> meter.getId().getName().startsWith("kafka.producer")
            || meter.getId().getName().startsWith("kafka.consumer"));
  }

  @Test
  void clientsAreNotMeasuredWhenMetricsAreOff(TestKafka kafka) {
    com.whatsappclone.common.metrics.ServiceMetrics off = com.whatsappclone.common.metrics.ServiceMetrics.create(
        "factories-test", com.whatsappclone.common.metrics.MetricsSettings.disabled());
    try (Producer<String, byte[]> producer = new KafkaFactories(kafka.bootstrapServers(), "unmetered", off).newProducer()) {
      assertThat(producer).isNotInstanceOf(MeteredProducer.class);
      assertThat(off.registry().getMeters()).isEmpty();
    }
  }

  @Test
  void idempotentProducerRecordIsReadOnceByAManualCommitConsumer(TestKafka kafka) throws Exception {
    KafkaFactories factories = new KafkaFactories(kafka.bootstrapServers(), "factories-test");
    String topic = UniqueNames.of("roundtrip");
    String group = UniqueNames.of("roundtrip-group");
    Topics.ensure(factories, List.of(new NewTopic(topic, 1, (short) 1)));

    RecordMetadata written;
    try (Producer<String, byte[]> producer = factories.newProducer()) {
      written = producer.send(new ProducerRecord<>(topic, "conversation-1", "hi".getBytes(UTF_8)))
          .get(15, TimeUnit.SECONDS);
    }
    TopicPartition partition = new TopicPartition(topic, written.partition());

    try (Consumer<String, byte[]> consumer = factories.newConsumer(group)) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, byte[]>> received = pollUntil(consumer, 1, Duration.ofSeconds(30));
      assertThat(received).singleElement().satisfies(record -> {
        assertThat(record.key()).isEqualTo("conversation-1");
        assertThat(new String(record.value(), UTF_8)).isEqualTo("hi");
      });
      // Manual commit: nothing is committed until the code says so.
      assertThat(consumer.committed(Set.of(partition)).get(partition)).isNull();
      consumer.commitSync();
      assertThat(consumer.committed(Set.of(partition)).get(partition))
          .extracting(OffsetAndMetadata::offset).isEqualTo(written.offset() + 1);
    }

    // A restarted member of the group resumes after the commit: the record is not read again.
    try (Producer<String, byte[]> producer = factories.newProducer()) {
      producer.send(new ProducerRecord<>(topic, "conversation-1", "second".getBytes(UTF_8)))
          .get(15, TimeUnit.SECONDS);
    }
    try (Consumer<String, byte[]> consumer = factories.newConsumer(group)) {
      consumer.subscribe(List.of(topic));
      assertThat(pollUntil(consumer, 1, Duration.ofSeconds(30)))
          .extracting(record -> new String(record.value(), UTF_8))
          .containsExactly("second");
    }
  }

  @Test
  void uncommittedRecordIsDeliveredAgainToTheNextGroupMember(TestKafka kafka) throws Exception {
    KafkaFactories factories = new KafkaFactories(kafka.bootstrapServers(), "factories-test");
    String topic = UniqueNames.of("redelivery");
    String group = UniqueNames.of("redelivery-group");
    Topics.ensure(factories, List.of(new NewTopic(topic, 1, (short) 1)));
    try (Producer<String, byte[]> producer = factories.newProducer()) {
      producer.send(new ProducerRecord<>(topic, "k", "once".getBytes(UTF_8))).get(15, TimeUnit.SECONDS);
    }

    for (int attempt = 0; attempt < 2; attempt++) {
      try (Consumer<String, byte[]> consumer = factories.newConsumer(group)) {
        consumer.subscribe(List.of(topic));
        // Closed without committing, as a worker that crashed mid-record would be.
        assertThat(pollUntil(consumer, 1, Duration.ofSeconds(30))).hasSize(1);
      }
    }
  }

  @Test
  void producerPointedAtADeadPortFailsWithinItsBound() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    KafkaFactories factories = new KafkaFactories("127.0.0.1:" + deadPort, "dead-broker-test");
    ProducerTimeouts tight =
        new ProducerTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));

    try (Producer<String, byte[]> producer = factories.newProducer(tight)) {
      // Without the bound this would wait 60 s (max.block.ms) for metadata that never comes. The
      // outer 30 s only keeps a regression from hanging the build; the cause must be Kafka's own.
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("nowhere", "k", new byte[] {1}))
          .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class);
    }
  }

  @Test
  void timeoutsThatKafkaWouldRejectFailFastWithTheirNames() {
    assertThatThrownBy(() ->
        new ProducerTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delivery timeout");
    assertThatThrownBy(() -> new ProducerTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessageContaining("maxBlock");
    assertThatThrownBy(() -> new KafkaFactories(" ", "x")).hasMessageContaining("KAFKA_BROKERS");
  }

  @Test
  void producerIsIdempotentWaitsForAllReplicasAndIsBounded() {
    KafkaFactories factories = new KafkaFactories("localhost:9092", "chat");
    Map<String, Object> config = factories.producerConfig(ProducerTimeouts.DEFAULTS);
    assertThat(config).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("max.block.ms", 5_000L)
        .containsEntry("request.timeout.ms", 5_000)
        .containsEntry("delivery.timeout.ms", 10_000)
        .containsEntry("bootstrap.servers", "localhost:9092");
    assertThat((String) config.get("client.id")).startsWith("chat-producer-");
    assertThat(factories.producerConfig(ProducerTimeouts.DEFAULTS).get("client.id"))
        .as("each client gets its own id").isNotEqualTo(config.get("client.id"));
  }

  @Test
  void consumerCommitsManuallyFromEarliestSkipsAbortedRecordsAndLosesADeadMembersPartitionsIn6s() {
    Map<String, Object> config = new KafkaFactories("localhost:9092", "worker").consumerConfig("store");
    assertThat(config).containsEntry("group.id", "store")
        .containsEntry("session.timeout.ms", 6_000)
        .containsEntry("heartbeat.interval.ms", 2_000)
        .containsEntry("enable.auto.commit", false)
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("isolation.level", "read_committed");
    assertThatThrownBy(() -> new KafkaFactories("localhost:9092", "worker").consumerConfig(""))
        .hasMessageContaining("group id");
  }

  private static <K, V> List<ConsumerRecord<K, V>> pollUntil(
      Consumer<K, V> consumer, int wanted, Duration limit) {
    List<ConsumerRecord<K, V>> received = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (received.size() < wanted && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(received::add);
    }
    return received;
  }
}
