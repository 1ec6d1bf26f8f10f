package com.whatsappclone.worker;

import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.tracing.KafkaTraceHeaders;
import com.whatsappclone.common.tracing.Tracing;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes what a batch produced: "stored" events for realtime and dead letters, and returns only
 * once the broker acknowledged all of them (so the caller may then commit the batch's offsets).
 */
final class WorkerEventPublisher {

  /** Header of a dead letter: why the worker could not store the record (UTF-8). */
  static final String REASON_HEADER = "dead-letter-reason";
  /** Header of a dead letter: where the record came from, {@code topic/partition/offset}. */
  static final String SOURCE_HEADER = "dead-letter-source";

  /** A record the worker gives up on, and why. */
  /** @param reasonTag why, as {@code messages.dead_lettered} tags it (WorkerMetrics) */
  record DeadLetter(ConsumerRecord<String, byte[]> record, String reasonTag, String reason) {}

  private final Producer<String, byte[]> producer;
  private final MessagingTopics topics;
  private final Tracing tracing;

  WorkerEventPublisher(Producer<String, byte[]> producer, MessagingTopics topics, Tracing tracing) {
    this.producer = producer;
    this.topics = topics;
    this.tracing = tracing;
  }

  /**
   * Sends the stored events in the given order (key: conversation id, so each conversation's
   * events stay in seq order) and the dead letters, then waits for every acknowledgement. The
   * wait is bounded by the producer's delivery timeout.
   *
   * @param traces    each stored message's trace, carried on to realtime (empty: none)
   * @throws ExecutionException the broker did not take one of them; the caller retries the batch
   */
  void publish(List<StoredMessage> stored, List<Context> traces, List<DeadLetter> deadLetters)
      throws ExecutionException, InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(stored.size() + deadLetters.size());
    for (int i = 0; i < stored.size(); i++) {
      StoredMessage message = stored.get(i);
      RecordHeaders headers = new RecordHeaders();
      if (i < traces.size()) {
        KafkaTraceHeaders.inject(tracing, traces.get(i), headers);
      }
      acks.add(producer.send(new ProducerRecord<>(topics.stored(), null,
          message.conversationId().toString(), message.toEvent().toByteArray(), headers)));
    }
    for (DeadLetter deadLetter : deadLetters) {
      ConsumerRecord<String, byte[]> source = deadLetter.record();
      RecordHeaders headers = new RecordHeaders();
      headers.add(REASON_HEADER, deadLetter.reason().getBytes(StandardCharsets.UTF_8));
      headers.add(SOURCE_HEADER, (source.topic() + "/" + source.partition() + "/" + source.offset())
          .getBytes(StandardCharsets.UTF_8));
      acks.add(producer.send(new ProducerRecord<>(topics.deadLetter(), null, source.key(),
          source.value(), headers)));
    }
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      ack.get(); // complete after flush(); throws if the broker refused or timed out
    }
  }
}
