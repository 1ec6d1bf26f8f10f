package com.whatsappclone.chat;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnavailableException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record and waits until the broker acknowledged it, within the caller's time budget: a
 * broker outage becomes {@link UnavailableException} before the call's deadline, never a hang.
 *
 * <p>{@code send()} itself runs on one dedicated thread, because it blocks (up to the producer's
 * {@code max.block.ms}) while the broker is unreachable and its metadata stale; a caller that gave
 * up stops waiting at once, and a send it gave up on before it started is skipped. A send that
 * did start may still be delivered after the caller was told UNAVAILABLE: retrying with the same
 * {@code client_message_id} is what makes that harmless.
 */
final class AcknowledgedSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AcknowledgedSender.class);

  /** Answer a little before the caller's deadline, so the answer still reaches it. */
  private static final Duration DEADLINE_MARGIN = Duration.ofMillis(200);

  private final Producer<String, byte[]> producer;
  private final KafkaTopicSetup topics;
  private final Duration longestWait;
  /**
   * Sends waiting for the send thread. Normally {@code send()} only appends to the producer's
   * buffer, so the queue stays near empty; while Kafka is down it is bounded, and a full queue
   * answers UNAVAILABLE at once instead of piling up callers.
   */
  static final int MAX_QUEUED_SENDS = 10_000;

  private final ExecutorService sendThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(MAX_QUEUED_SENDS), r -> {
        Thread thread = new Thread(r, "chat-kafka-send");
        thread.setDaemon(true);
        return thread;
      });

  /**
   * @param longestWait how long to wait for an acknowledgement when the call has no deadline: a
   *                    little more than the producer's own bound (max.block + delivery timeout),
   *                    so the producer's verdict normally arrives first
   */
  AcknowledgedSender(Producer<String, byte[]> producer, KafkaTopicSetup topics, Duration longestWait) {
    this.producer = producer;
    this.topics = topics;
    this.longestWait = longestWait;
  }

  /**
   * @param budget the time left before the caller's deadline, or null when it set none
   * @throws UnavailableException Kafka did not acknowledge in time, refused, or is not set up yet
   */
  RecordMetadata send(ProducerRecord<String, byte[]> record, Duration budget) {
    long started = System.nanoTime();
    Duration wait = budget == null ? longestWait : min(budget.minus(DEADLINE_MARGIN), longestWait);
    if (wait.isNegative() || wait.isZero()) {
      throw new UnavailableException("DEADLINE_TOO_SHORT", "not enough time left before the deadline to send");
    }
    try {
      // Right after start-up the topics may still be being created; Kafka down: they never are.
      if (!topics.awaitReady(wait)) {
        throw new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "message queue unavailable, try again later");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "interrupted while sending", e);
    }
    wait = wait.minusNanos(System.nanoTime() - started);
    CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
    try {
      sendThread.execute(() -> {
        if (ack.isDone()) {
          return; // the caller gave up before the send started: don't deliver behind its back
        }
        try {
          producer.send(record, (metadata, error) -> {
            if (error != null) {
              ack.completeExceptionally(error);
            } else {
              ack.complete(metadata);
            }
          });
        } catch (RuntimeException e) {
          ack.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      throw new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "message queue unavailable, try again later", e);
    }
    try {
      return ack.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | CancellationException e) {
      ack.cancel(false);
      log.warn("Kafka did not acknowledge a record on {} within {}", record.topic(), wait);
      throw new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "message queue unavailable, try again later", e);
    } catch (ExecutionException e) {
      log.warn("Kafka refused a record on {}: {}", record.topic(), e.getCause().toString());
      throw new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "message queue unavailable, try again later", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ack.cancel(false);
      throw new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "interrupted while sending", e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    sendThread.shutdown();
    try {
      sendThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
