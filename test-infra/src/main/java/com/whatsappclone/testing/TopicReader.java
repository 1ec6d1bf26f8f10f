package com.whatsappclone.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every record of one topic from its beginning, without a consumer group, so a test can
 * check what a service published (committed records only) without joining the service's groups.
 */
public final class TopicReader implements AutoCloseable {

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
  private boolean assigned;

  /** On the broker of {@link KafkaExtension}. */
  public TopicReader(String topic) {
    this(topic, KafkaExtension.bootstrapServers());
  }

  public TopicReader(String topic, String brokers) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        // never create the topic by looking at it: the service creates it with its partition count
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Everything read so far, in the order read (offset order within a partition). */
  public List<ConsumerRecord<String, byte[]>> records() {
    return List.copyOf(received);
  }

  /** Polls until everything read so far passes {@code done}; fails after {@link Eventually#LIMIT}. */
  public List<ConsumerRecord<String, byte[]>> readUntil(String what,
      Predicate<List<ConsumerRecord<String, byte[]>>> done) throws Exception {
    return Eventually.await(what, () -> {
      pollOnce();
      return records();
    }, done);
  }

  /** Reads what is there now (one short poll). */
  public List<ConsumerRecord<String, byte[]>> pollOnce() {
    if (!assigned) {
      // The topic exists once the service started (it creates its topics before using them).
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (partitions.isEmpty()) {
        return records();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      assigned = true;
    }
    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
    return records();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
