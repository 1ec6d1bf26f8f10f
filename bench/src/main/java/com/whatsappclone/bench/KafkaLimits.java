package com.whatsappclone.bench;

import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.proto.events.MessageSubmitted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast this Kafka carries the messages' records from a producer to a consumer: the same
 * payloads ({@code MessageSubmitted}, as chat writes them), the same producer settings (acks=all,
 * idempotent, linger 5 ms) and partition count, on a scratch topic deleted afterwards.
 */
final class KafkaLimits {

  private static final int PARTITIONS = 6;
  private static final int DISTINCT_PAYLOADS = 1_000;
  private static final long MAX_RECORDS = 2_000_000;

  private KafkaLimits() {}

  static Map<String, Object> run(String brokers, int payloadBytes, int groupSize, Duration produceFor)
      throws InterruptedException {
    KafkaFactories factories = new KafkaFactories(brokers, "bench");
    String topic = "bench-scratch-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    Topics.ensure(factories, List.of(new NewTopic(topic, PARTITIONS, (short) 1)));
    try {
      return measure(factories, topic, payloads(topic, payloadBytes, groupSize), produceFor);
    } finally {
      try (Admin admin = factories.newAdmin()) {
        admin.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("could not delete the scratch topic " + topic + ": " + e);
      }
    }
  }

  private static Map<String, Object> measure(KafkaFactories factories, String topic, List<ProducerRecord<String, byte[]>> payloads,
      Duration produceFor) throws InterruptedException {
    AtomicLong consumed = new AtomicLong();
    AtomicLong lastConsumedAt = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long[] target = {Long.MAX_VALUE};
    long deadline = System.nanoTime() + produceFor.toNanos() + TimeUnit.SECONDS.toNanos(30);

    Thread reader = new Thread(() -> {
      try (Consumer<String, byte[]> consumer = factories.newConsumer(topic)) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (System.nanoTime() < deadline) {
          ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
          if (!records.isEmpty()) {
            lastConsumedAt.set(System.nanoTime());
            consumed.addAndGet(records.count());
          }
          synchronized (target) {
            if (consumed.get() >= target[0]) {
              return;
            }
          }
        }
      } catch (Exception e) {
        failure.compareAndSet(null, e);
      }
    }, "bench-kafka-consumer");
    reader.start();

    long start = System.nanoTime();
    long sent = 0;
    long producedUntil;
    try (Producer<String, byte[]> producer = factories.newProducer()) {
      long stop = start + produceFor.toNanos();
      while (System.nanoTime() < stop && sent < MAX_RECORDS && failure.get() == null) {
        producer.send(payloads.get((int) (sent % payloads.size())), (metadata, error) -> {
          if (error == null) {
            acked.incrementAndGet();
          } else {
            failure.compareAndSet(null, error);
          }
        });
        sent++;
      }
      producer.flush();
      producedUntil = System.nanoTime();
    }
    synchronized (target) {
      target[0] = acked.get();
    }
    reader.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 1_000);
    reader.interrupt();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topicPartitions", PARTITIONS);
    out.put("meanRecordBytes", Math.round(payloads.stream().mapToInt(r -> r.value().length).average().orElse(0)));
    out.put("recordsProduced", acked.get());
    out.put("recordsConsumed", consumed.get());
    out.put("produceAckedPerSecond", Math.round(acked.get() / ((producedUntil - start) / 1e9)));
    long end = Math.max(lastConsumedAt.get(), producedUntil);
    out.put("produceAndConsumePerSecond", Math.round(consumed.get() / ((end - start) / 1e9)));
    out.put("producer", "the services' settings: acks=all, idempotent, linger.ms=5");
    if (failure.get() != null) {
      out.put("error", failure.get().toString());
    }
    return out;
  }

  /** Records like chat's: keyed by conversation, half one-to-one (1 recipient), half groups. */
  private static List<ProducerRecord<String, byte[]>> payloads(String topic, int payloadBytes, int groupSize) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(DISTINCT_PAYLOADS);
    String content = "x".repeat(payloadBytes);
    for (int i = 0; i < DISTINCT_PAYLOADS; i++) {
      String conversation = UUID.randomUUID().toString();
      MessageSubmitted.Builder message = MessageSubmitted.newBuilder()
          .setMessageId(UUID.randomUUID().toString())
          .setConversationId(conversation)
          .setSenderId(UUID.randomUUID().toString())
          .setContent(content)
          .setClientMessageId("b" + i)
          .setCreatedAtMicros(System.currentTimeMillis() * 1000);
      int recipients = i % 2 == 0 ? 1 : groupSize - 1;
      for (int r = 0; r < recipients; r++) {
        message.addRecipientIds(UUID.randomUUID().toString());
      }
      records.add(new ProducerRecord<>(topic, conversation, message.build().toByteArray()));
    }
    return records;
  }
}
