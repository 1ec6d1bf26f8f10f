package com.whatsappclone.worker.push;

import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.proto.events.MessageStored;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code messages.stored} in a consumer group of its own (several workers share the
 * partitions, each stored message is planned once) and hands each batch to the {@link
 * PushPlanner}. A new group starts at the end of the topic: a first deployment does not push the
 * whole history. While the dispatcher's backlog is near full the partitions are paused (polling
 * goes on, so the group keeps them): a provider outage slows push, never the topic's other readers.
 */
final class PushConsumerLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PushConsumerLoop.class);

  static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final PushPlanner planner;
  private final PushDispatcher dispatcher;
  private final HealthListener health;
  private final int pauseAt;
  private final int resumeAt;
  private final Thread thread = new Thread(this::run, "push-consumer");
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
  private volatile boolean running = true;
  private boolean paused;
  private long lastCommitNanos = System.nanoTime();

  /** Told when the loop first has its partitions and when it ends. */
  interface HealthListener {
    void ready();

    void stopped();
  }

  PushConsumerLoop(Consumer<String, byte[]> consumer, String topic, PushPlanner planner,
      PushDispatcher dispatcher, int maxPending, HealthListener health) {
    this.consumer = consumer;
    this.health = health;
    this.topic = topic;
    this.planner = planner;
    this.dispatcher = dispatcher;
    this.pauseAt = Math.max(1, maxPending * 9 / 10);
    this.resumeAt = maxPending / 2;
  }

  void start() {
    thread.start();
  }

  /** Whether the group has given this loop its partitions (and their start offsets) once. */
  boolean awaitAssigned(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          commit("partitions revoked");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          // Resolves where each partition starts now, so a message stored from here on is seen.
          partitions.forEach(consumer::position);
          paused = false;
          if (assigned.getCount() > 0) {
            assigned.countDown();
            health.ready();
          }
        }
      });
      Duration backoff = Duration.ZERO;
      while (running) {
        applyBackpressure();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (records.isEmpty()) {
          commitIfDue();
          continue;
        }
        try {
          planner.plan(decode(records));
          records.partitions().forEach(p -> {
            List<ConsumerRecord<String, byte[]>> part = records.records(p);
            done.put(p, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
          });
          backoff = Duration.ZERO;
          commitIfDue();
        } catch (DatabaseException e) {
          backoff = backoff.isZero() ? Duration.ofMillis(200) : min(backoff.multipliedBy(2), MAX_BACKOFF);
          log.warn("push: planning a batch failed ({}), trying it again in {} ms", e.toString(), backoff.toMillis());
          records.partitions().forEach(p -> consumer.seek(p, records.records(p).get(0).offset()));
          Thread.sleep(backoff.toMillis());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("push consumer woken up while running", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (KafkaException | IllegalStateException e) {
      log.error("push consumer stopped; no more pushes until the worker restarts", e);
    } finally {
      health.stopped();
      commit("closing");
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }
  }

  private void applyBackpressure() {
    int backlog = dispatcher.backlog();
    if (!paused && backlog >= pauseAt) {
      consumer.pause(consumer.assignment());
      paused = true;
      log.info("push: {} notifications waiting, reading of stored messages paused", backlog);
    } else if (paused && backlog <= resumeAt) {
      consumer.resume(consumer.assignment());
      paused = false;
      log.info("push: backlog down to {}, reading resumed", backlog);
    }
  }

  private static List<MessageStored> decode(ConsumerRecords<String, byte[]> records) {
    List<MessageStored> batch = new ArrayList<>(records.count());
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        batch.add(MessageStored.parseFrom(record.value()));
      } catch (InvalidProtocolBufferException e) {
        log.warn("push: skipping an undecodable record at {}-{} offset {}", record.topic(),
            record.partition(), record.offset());
      }
    }
    return batch;
  }

  private void commitIfDue() {
    if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL.toNanos()) {
      commit("interval");
    }
  }

  private void commit(String why) {
    lastCommitNanos = System.nanoTime();
    if (done.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(new HashMap<>(done));
      done.clear();
    } catch (KafkaException e) {
      // A few pushes may be planned twice after a restart; the providers collapse them.
      log.warn("push: committing offsets ({}) failed: {}", why, e.toString());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
