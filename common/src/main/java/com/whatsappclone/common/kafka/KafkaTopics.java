package com.whatsappclone.common.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** The topics the services talk through. Names are dot-separated: domain, then event. */
public final class KafkaTopics {

  /** A client sent a message; the chat service accepted it. Key: conversation id. */
  public static final String MESSAGES_SUBMITTED = "messages.submitted";

  /** The message worker persisted a message; realtime fans it out. Key: conversation id. */
  public static final String MESSAGES_STORED = "messages.stored";

  /** Records the worker could not process after its retries, kept for inspection. */
  public static final String MESSAGES_DEAD_LETTER = "messages.dead-letter";

  /** Presence, typing, receipts and other events pushed to connected clients. */
  public static final String REALTIME_EVENTS = "realtime.events";

  /**
   * The record header naming the event a record carries (a protobuf message's full name, or
   * realtime's fan-out marker), for readers of a topic that carries more than one kind.
   */
  public static final String EVENT_TYPE_HEADER = "event-type";

  public static final List<String> ALL =
      List.of(MESSAGES_SUBMITTED, MESSAGES_STORED, MESSAGES_DEAD_LETTER, REALTIME_EVENTS);

  private KafkaTopics() {}

  /** The {@link #EVENT_TYPE_HEADER} of a record, or null when it has none (or one without a value). */
  public static String eventTypeOf(ConsumerRecord<?, ?> record) {
    Header type = record.headers().lastHeader(EVENT_TYPE_HEADER);
    return type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8);
  }

  /**
   * Every topic above, for {@link Topics#ensure}.
   *
   * @param partitions        per topic; the key (conversation id) keeps one conversation in order
   * @param replicationFactor 1 for a single broker, 3 in a real cluster
   */
  public static List<NewTopic> all(int partitions, short replicationFactor) {
    return ALL.stream().map(name -> new NewTopic(name, partitions, replicationFactor)).toList();
  }
}
