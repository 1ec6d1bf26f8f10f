package com.whatsappclone.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one topic from "now" on, on its own thread: every partition, no consumer group
 * coordination, no committed offsets.
 *
 * <p>For readers where every instance must see every event: each realtime instance (it serves its
 * own connections), each chat instance (it drops its cached memberships when any instance changes
 * one). Rather than a throw-away consumer group per instance (which joins, rebalances for seconds
 * at start-up and leaves an orphan group on the broker at every restart), it assigns the
 * partitions directly and starts at their end: what it missed before it started is the reader's
 * to recover (realtime's offline catch-up from PostgreSQL, chat's empty cache). {@link #start}
 * returns once the start positions are fixed, so nothing published after start-up is skipped.
 */
public final class TopicTail implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopicTail.class);
  private static final Duration POLL = Duration.ofMillis(500);
  /** How often a running tail looks for partitions added to its topic. */
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);
  /** How often the tail adds up how far behind it is (the consumer knows it without a request). */
  private static final Duration LAG_CHECK = Duration.ofSeconds(1);

  private final KafkaFactories factories;
  private final String topic;
  private final String groupId;
  private final java.util.function.Consumer<ConsumerRecord<String, byte[]>> handler;
  private final Map<String, Object> consumerOverrides;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Thread thread;
  private volatile boolean closing;
  private volatile Consumer<String, byte[]> consumer;
  private volatile long lag;

  /**
   * @param groupId only names the consumer (no group is joined, no offset committed)
   * @param handler runs on the tail's thread for each record; must not block for long
   */
  public TopicTail(KafkaFactories factories, String topic, String groupId,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> handler) {
    this(factories, topic, groupId, handler, Map.of());
  }

  /**
   * @param consumerOverrides consumer settings on top of the tail's own, e.g.
   *                          {@link KafkaFactories#BATCHING_FETCH} for a busy topic (not for a
   *                          quiet one: each fetch would come back empty every few ms)
   */
  public TopicTail(KafkaFactories factories, String topic, String groupId,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> handler,
      Map<String, Object> consumerOverrides) {
    this.consumerOverrides = Map.copyOf(consumerOverrides);
    this.factories = factories;
    this.topic = topic;
    this.groupId = groupId;
    this.handler = handler;
    // Named after the service (realtime-tail-messages.stored): which service reads costs what.
    this.thread = new Thread(this::run, factories.clientIdPrefix() + "-tail-" + topic);
    this.thread.setDaemon(true);
  }

  /** Starts the thread and waits until it reads from the current end of every partition. */
  public void start(Duration timeout) {
    thread.start();
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      close();
      throw new KafkaException("could not start reading " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new KafkaException("could not start reading " + topic + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new KafkaException("interrupted while starting to read " + topic, e);
    }
  }

  /**
   * True from {@link #start} until the tail stops (closed, or a failure it cannot get past): while
   * it is false, records may be going by unread.
   */
  public boolean following() {
    return ready.isDone() && !ready.isCompletedExceptionally() && thread.isAlive() && !closing;
  }

  /**
   * For readiness: empty while the tail reads and is fewer than {@code maxLag} records behind the
   * end of its topic (summed over the partitions, as of the last second), else why not.
   */
  public Optional<String> notKeepingUp(long maxLag) {
    if (!following()) {
      return Optional.of("not reading " + topic);
    }
    long behind = lag;
    return behind >= maxLag
        ? Optional.of(behind + " record(s) behind on " + topic + " (at most " + maxLag + ")")
        : Optional.empty();
  }

  private void run() {
    Map<String, Object> overrides = new HashMap<>();
    // Only matters if a position is ever lost; a fresh start seeks to the end explicitly.
    overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    overrides.putAll(consumerOverrides);
    try (Consumer<String, byte[]> kafka = factories.newConsumer(
        groupId, new StringDeserializer(), new ByteArrayDeserializer(), overrides)) {
      consumer = kafka;
      Set<TopicPartition> assigned = new HashSet<>(partitions(kafka));
      kafka.assign(assigned);
      kafka.seekToEnd(assigned);
      for (TopicPartition partition : assigned) {
        kafka.position(partition); // resolves "end" now, not lazily at the first poll
      }
      ready.complete(null);
      log.info("reading {} from its end ({} partitions)", topic, assigned.size());
      long nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
      long nextLagCheck = System.nanoTime();
      while (!closing) {
        ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
        for (ConsumerRecord<String, byte[]> record : records) {
          try {
            handler.accept(record);
          } catch (RuntimeException e) {
            log.error("handling a record of {} (partition {}, offset {}) failed",
                topic, record.partition(), record.offset(), e);
          }
        }
        if (System.nanoTime() - nextLagCheck > 0) {
          nextLagCheck = System.nanoTime() + LAG_CHECK.toNanos();
          lag = lag(kafka, assigned);
        }
        if (System.nanoTime() - nextCheck > 0) {
          nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
          addNewPartitions(kafka, assigned);
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        ready.completeExceptionally(e);
        log.error("reading {} stopped unexpectedly", topic, e);
      }
    } catch (RuntimeException e) {
      ready.completeExceptionally(e);
      if (!closing) {
        log.error("reading {} stopped", topic, e);
      }
    } finally {
      consumer = null;
    }
  }

  private List<TopicPartition> partitions(Consumer<String, byte[]> kafka) {
    List<PartitionInfo> infos = kafka.partitionsFor(topic, KafkaFactories.ADMIN_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new KafkaException("topic " + topic + " has no partitions (does it exist?)");
    }
    return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
  }

  /** A partition the consumer has fetched nothing from yet counts as 0. */
  private static long lag(Consumer<String, byte[]> kafka, Set<TopicPartition> assigned) {
    long total = 0;
    for (TopicPartition partition : assigned) {
      total += kafka.currentLag(partition).orElse(0);
    }
    return total;
  }

  /** Partitions added after start-up are read from their beginning: all of it is new. */
  private void addNewPartitions(Consumer<String, byte[]> kafka,
      Set<TopicPartition> assigned) {
    try {
      Set<TopicPartition> added = new HashSet<>(partitions(kafka));
      added.removeAll(assigned);
      if (!added.isEmpty()) {
        assigned.addAll(added);
        kafka.assign(assigned);
        kafka.seekToBeginning(added);
        log.info("{} grew: now reading {} partitions", topic, assigned.size());
      }
    } catch (KafkaException e) {
      log.warn("could not look for new partitions of {}: {}", topic, e.toString());
    }
  }

  @Override
  public void close() {
    closing = true;
    Consumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
