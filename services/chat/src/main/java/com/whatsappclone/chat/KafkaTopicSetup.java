package com.whatsappclone.chat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Kafka topics in the background, retrying until the broker answers, so that chat
 * starts (and serves conversations) while Kafka is still down, and sends only once its topics
 * exist with the configured partition count (never auto-created with the broker's default). Then,
 * retrying the same way, it starts what reads a topic ({@link MembershipFollower}); sends do not
 * wait for that.
 */
final class KafkaTopicSetup implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaTopicSetup.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final Runnable createTopics;
  private final Runnable thenStartReading;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);

  /**
   * @param createTopics     creates the topics; throws a KafkaException when the broker is unreachable
   * @param thenStartReading once they exist, starts reading; throws a KafkaException to be retried
   */
  KafkaTopicSetup(Runnable createTopics, Runnable thenStartReading) {
    this.createTopics = createTopics;
    this.thenStartReading = thenStartReading;
    this.thread = new Thread(this::run, "chat-kafka-topics");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Waits up to {@code limit} for the topics; true once they exist. */
  boolean awaitReady(Duration limit) throws InterruptedException {
    return ready.await(limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void run() {
    try {
      if (retried("Kafka topics not ready", createTopics)) {
        ready.countDown();
        retried("cannot read Kafka yet", thenStartReading);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** @return true once {@code step} succeeded, false when stopped first */
  private boolean retried(String failure, Runnable step) throws InterruptedException {
    Duration backoff = MIN_BACKOFF;
    while (stop.getCount() > 0) {
      try {
        step.run();
        return true;
      } catch (KafkaException e) {
        log.warn("{}, retrying in {}: {}", failure, backoff, e.getMessage());
        if (stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          return false;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
    return false;
  }

  @Override
  public void close() {
    stop.countDown();
    // An admin call in progress would otherwise hold the thread for its whole timeout.
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
