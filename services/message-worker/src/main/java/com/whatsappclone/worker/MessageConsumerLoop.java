package com.whatsappclone.worker;

import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.tracing.Tracing;
import io.opentelemetry.context.Context;
import com.whatsappclone.worker.WorkerEventPublisher.DeadLetter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's consumer loop, on its own thread. Per poll: decode, store the batch in one
 * transaction, publish the stored events and dead letters, and only then mark the offsets done. A
 * crash anywhere before the commit re-delivers the batch, which the store recognises as already
 * stored (no duplicates, same seq) and whose events it publishes again (nothing lost).
 *
 * <p>Offsets are committed at most every {@link #OFFSET_COMMIT_INTERVAL} (and when partitions are
 * revoked and at close), not after every batch: at low rates a batch is one message, and a commit
 * per batch was a Kafka record and a broker round trip per message. A crash re-delivers at most
 * that interval's batches, which costs a re-check, never a duplicate.
 *
 * <p>A dependency failure (database or Kafka down) rewinds to the batch's first offsets and
 * retries it with a growing pause; anything else is a bug and ends the loop, which the service
 * reports as NOT_SERVING.
 */
final class MessageConsumerLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MessageConsumerLoop.class);

  static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration OFFSET_COMMIT_INTERVAL = Duration.ofSeconds(1);

  /**
   * Told when the loop has subscribed, when the group has given it partitions (after every
   * rebalance, also when it got none because the other members cover them all), and when it ends
   * (cause null: closed on purpose).
   */
  interface Listener {
    void running();

    void assigned(Collection<TopicPartition> partitions);

    void stopped(Throwable cause);
  }

  /** Creates the topics; throws when Kafka cannot be reached (retried until it can). */
  @FunctionalInterface
  interface TopicCreator {
    void ensure();
  }

  private final Consumer<String, byte[]> consumer;
  private final MessagingTopics topics;
  private final TopicCreator topicCreator;
  private final SubmittedMessageDecoder decoder = new SubmittedMessageDecoder();
  private final MessageBatchStore store;
  private final WorkerEventPublisher publisher;
  private final WorkerHooks hooks;
  private final Listener listener;
  private final ConsumerLag lag;
  private final WorkerMetrics metrics;
  private final Tracing tracing;
  private final Thread thread;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean started;
  /** Processed but not committed yet; only touched on the loop's thread. */
  private final Map<TopicPartition, OffsetAndMetadata> doneOffsets = new HashMap<>();
  private long lastCommitNanos = System.nanoTime();

  MessageConsumerLoop(Consumer<String, byte[]> consumer, MessagingTopics topics,
      TopicCreator topicCreator, MessageBatchStore store, WorkerEventPublisher publisher,
      WorkerHooks hooks, Listener listener, ConsumerLag lag, WorkerMetrics metrics, Tracing tracing) {
    this.consumer = consumer;
    this.topics = topics;
    this.topicCreator = topicCreator;
    this.store = store;
    this.publisher = publisher;
    this.hooks = hooks;
    this.listener = listener;
    this.lag = lag;
    this.metrics = metrics;
    this.tracing = tracing;
    this.thread = new Thread(this::run, "message-worker-consumer");
  }

  void start() {
    started = true;
    thread.start();
  }

  /** Stops polling (interrupting a poll in progress), closes the consumer and waits for the thread. */
  @Override
  public void close() {
    running = false;
    stopSignal.countDown();
    if (!started) {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Throwable failure = null;
    try {
      if (!createTopics()) {
        return;
      }
      consumer.subscribe(List.of(topics.submitted()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          // The next owner starts where this one got to, not at the last timed commit.
          commitDoneOrLog("partitions revoked");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          log.info("assigned {} partition(s) of {}: {}", partitions.size(), topics.submitted(),
              partitions.stream().map(TopicPartition::partition).sorted().toList());
          listener.assigned(partitions);
        }
      });
      log.info("consuming {}", topics.submitted());
      listener.running();
      Duration backoff = MIN_BACKOFF;
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        lag.check(this::lagPerPartition);
        if (records.isEmpty()) {
          commitDoneIfDue();
          continue;
        }
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        try {
          processRefusingBadRows(batch);
          commitDoneIfDue();
          backoff = MIN_BACKOFF;
        } catch (WakeupException | InterruptException e) {
          throw e;
        } catch (SQLException | ExecutionException | KafkaException e) {
          log.warn("batch of {} record(s) failed, retrying in {}: {}", records.count(), backoff,
              e.toString());
          rewind(batch);
          pause(backoff);
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
      }
    } catch (FencedInstanceIdException e) {
      failure = e;
      log.error("another process joined the consumer group with this worker's instance id"
          + " (MESSAGE_WORKER_INSTANCE_ID): each process needs its own");
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (InterruptedException | InterruptException e) {
      if (running) {
        failure = e;
      }
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
    } finally {
      if (failure != null) {
        log.error("message consumer loop died; the worker stops consuming", failure);
      } else {
        commitDoneOrLog("stopping");
      }
      try {
        // Without auto-commit, closing commits nothing: an unfinished batch is re-delivered.
        // Leaving the group hands the partitions on at once; a static member (instance id) would
        // otherwise keep them until its session timed out.
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      } catch (RuntimeException e) {
        log.warn("closing the consumer failed", e);
      }
      listener.stopped(failure);
    }
  }

  /** @return false when stopped before the topics could be created */
  private boolean createTopics() throws InterruptedException {
    Duration backoff = MIN_BACKOFF;
    while (running) {
      try {
        topicCreator.ensure();
        return true;
      } catch (KafkaException e) {
        log.warn("Kafka topics not ready, retrying in {}: {}", backoff, e.getMessage());
        pause(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
    return false;
  }

  /**
   * The database refused the batch's data (not a connection problem): some record holds a value
   * the decoder let through but PostgreSQL does not take. Store the records one by one so that
   * only the bad one goes to the dead-letter topic, instead of retrying the batch forever.
   */
  private void processRefusingBadRows(List<ConsumerRecord<String, byte[]>> batch)
      throws SQLException, ExecutionException, InterruptedException {
    try {
      process(batch);
    } catch (SQLException e) {
      if (!isDataError(e)) {
        throw e;
      }
      if (batch.size() == 1) {
        ConsumerRecord<String, byte[]> record = batch.get(0);
        DeadLetter deadLetter = new DeadLetter(record, WorkerMetrics.DATABASE_REFUSED,
            "refused by the database (SQLSTATE "
            + e.getSQLState() + ")");
        log.warn("dead-lettering {}/{}/{}: {}", record.topic(), record.partition(), record.offset(),
            deadLetter.reason());
        publisher.publish(List.of(), List.of(), List.of(deadLetter));
        metrics.deadLettered(deadLetter.reasonTag());
        doneOffsets.putAll(nextOffsets(batch));
        return;
      }
      log.warn("database refused a batch of {} record(s) ({}); storing them one by one",
          batch.size(), e.getSQLState());
      for (ConsumerRecord<String, byte[]> record : batch) {
        processRefusingBadRows(List.of(record));
      }
    }
  }

  /** SQLSTATE class 22 (data exception) or 23 (integrity constraint violation). */
  static boolean isDataError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  private void process(List<ConsumerRecord<String, byte[]>> records)
      throws SQLException, ExecutionException, InterruptedException {
    List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>(records.size());
    List<SubmittedMessage> messages = new ArrayList<>(records.size());
    List<DeadLetter> deadLetters = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      SubmittedMessageDecoder.Result decoded = decoder.decode(record.value());
      if (decoded.rejection() != null) {
        deadLetters.add(new DeadLetter(record, WorkerMetrics.INVALID, decoded.rejection()));
      } else {
        sources.add(record);
        messages.add(decoded.message());
      }
    }

    BatchTraces traces = BatchTraces.start(tracing, sources);
    try {
      storeAndPublish(records, sources, messages, deadLetters, traces);
    } finally {
      traces.end();
    }
  }

  private void storeAndPublish(List<ConsumerRecord<String, byte[]>> records,
      List<ConsumerRecord<String, byte[]>> sources, List<SubmittedMessage> messages,
      List<DeadLetter> deadLetters, BatchTraces traces)
      throws SQLException, ExecutionException, InterruptedException {
    List<MessageBatchStore.Outcome> outcomes = store.store(messages);
    countStored(outcomes);
    hooks.afterDatabaseCommit(messages.size());

    List<StoredMessage> toPublish = new ArrayList<>(outcomes.size());
    List<Context> publishTraces = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      MessageBatchStore.Outcome outcome = outcomes.get(i);
      if (outcome.isRejected()) {
        deadLetters.add(new DeadLetter(sources.get(i), outcome.rejectedAs(), outcome.rejection()));
      } else if (outcome.publish()) {
        toPublish.add(outcome.stored());
        publishTraces.add(traces.context(i));
      }
    }
    for (DeadLetter deadLetter : deadLetters) {
      ConsumerRecord<String, byte[]> r = deadLetter.record();
      log.warn("dead-lettering {}/{}/{}: {}", r.topic(), r.partition(), r.offset(), deadLetter.reason());
    }
    publisher.publish(toPublish, publishTraces, deadLetters);
    // Counted once published: a failed publish retries the batch, which finds them again.
    for (DeadLetter deadLetter : deadLetters) {
      metrics.deadLettered(deadLetter.reasonTag());
    }
    hooks.afterEventsPublished(messages.size());

    doneOffsets.putAll(nextOffsets(records));
  }

  /** Just committed: a message stored by an earlier, re-delivered batch is not counted again. */
  private void countStored(List<MessageBatchStore.Outcome> outcomes) {
    Instant committedAt = null;
    for (MessageBatchStore.Outcome outcome : outcomes) {
      if (outcome.inserted()) {
        committedAt = committedAt == null ? metrics.now() : committedAt;
        metrics.stored(outcome.stored().createdAtMicros(), committedAt);
      }
    }
  }

  private void commitDoneIfDue() {
    if (System.nanoTime() - lastCommitNanos >= OFFSET_COMMIT_INTERVAL.toNanos()) {
      commitDoneOrLog("timed commit");
    }
  }

  /**
   * Commits what is done. A failure (a rebalance took the partitions, the broker is away) is only
   * logged: those batches are read again by whoever owns the partitions next and recognised as
   * stored, which is cheaper than failing the loop. Either way the offsets are not tried again.
   */
  private void commitDoneOrLog(String when) {
    lastCommitNanos = System.nanoTime();
    if (doneOffsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(doneOffsets);
    } catch (WakeupException | InterruptException e) {
      if (running) {
        throw e;
      }
      log.info("{}: stopped before committing the last offsets of {} partition(s); they are read again"
          + " and recognised as stored", when, doneOffsets.size());
    } catch (KafkaException e) {
      log.warn("{}: could not commit the offsets of {} partition(s); they are read again and"
          + " recognised as stored: {}", when, doneOffsets.size(), e.toString());
    } finally {
      doneOffsets.clear();
    }
  }

  /** Records waiting in the partitions this worker owns, where known and above 0. */
  private Map<TopicPartition, Long> lagPerPartition() {
    Map<TopicPartition, Long> lags = new TreeMap<>(
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    for (TopicPartition partition : consumer.assignment()) {
      OptionalLong partitionLag = consumer.currentLag(partition);
      if (partitionLag.isPresent() && partitionLag.getAsLong() > 0) {
        lags.put(partition, partitionLag.getAsLong());
      }
    }
    return lags;
  }

  /** Past the last record of each partition (records of one partition come in offset order). */
  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      List<ConsumerRecord<String, byte[]>> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      offsets.put(new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1));
    }
    return offsets;
  }

  /** The next poll starts again at the batch's first record in every partition. */
  private void rewind(List<ConsumerRecord<String, byte[]>> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
    first.forEach(consumer::seek);
  }

  private void pause(Duration duration) throws InterruptedException {
    stopSignal.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }
}
