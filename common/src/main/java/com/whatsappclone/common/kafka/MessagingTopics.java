package com.whatsappclone.common.kafka;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka topic names of {@link KafkaTopics}, each behind an optional deployment-wide prefix
 * (KAFKA_TOPIC_PREFIX, default none), so that several stacks, or test classes, can share one
 * cluster without reading each other's records. One class for chat, the message worker and
 * realtime, so that the services agree on the prefixed names they talk through.
 */
public record MessagingTopics(String submitted, String stored, String deadLetter, String realtimeEvents) {

  /** Kafka's legal topic characters; the prefix is followed by a dotted name. */
  private static final Pattern LEGAL_PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,100}");

  public static boolean isLegalPrefix(String prefix) {
    return LEGAL_PREFIX.matcher(prefix).matches();
  }

  /** @throws IllegalArgumentException if {@link #isLegalPrefix} refuses {@code prefix} */
  public static MessagingTopics withPrefix(String prefix) {
    if (!isLegalPrefix(prefix)) {
      throw new IllegalArgumentException("illegal Kafka topic prefix '" + prefix + "'");
    }
    return new MessagingTopics(prefix + KafkaTopics.MESSAGES_SUBMITTED,
        prefix + KafkaTopics.MESSAGES_STORED,
        prefix + KafkaTopics.MESSAGES_DEAD_LETTER,
        prefix + KafkaTopics.REALTIME_EVENTS);
  }

  /**
   * Every topic, in the order of {@link KafkaTopics#ALL}, for {@link Topics#ensure}.
   *
   * @param partitions        KAFKA_TOPIC_PARTITIONS
   * @param replicationFactor KAFKA_TOPIC_REPLICATION_FACTOR
   */
  public List<NewTopic> all(int partitions, short replicationFactor) {
    return List.of(submitted, stored, deadLetter, realtimeEvents).stream()
        .map(name -> new NewTopic(name, partitions, replicationFactor))
        .toList();
  }
}
