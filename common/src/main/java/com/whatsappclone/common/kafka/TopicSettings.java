package com.whatsappclone.common.kafka;

import com.whatsappclone.common.config.Settings;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topic settings chat, the message worker and realtime share, read in one place so that they
 * agree on the names they talk through and on how the topics they create look.
 *
 * @param prefix            KAFKA_TOPIC_PREFIX: prefix of every topic name (default none), for
 *                          several stacks or test classes on one cluster
 * @param partitions        KAFKA_TOPIC_PARTITIONS: partitions of the topics created at start-up
 * @param replicationFactor KAFKA_TOPIC_REPLICATION_FACTOR: their replicas (3 in a real cluster)
 */
public record TopicSettings(String prefix, int partitions, short replicationFactor) {

  public static final String PREFIX = "KAFKA_TOPIC_PREFIX";
  public static final String PARTITIONS = "KAFKA_TOPIC_PARTITIONS";
  public static final String REPLICATION_FACTOR = "KAFKA_TOPIC_REPLICATION_FACTOR";

  /** Reads the three settings; a bad value is recorded for {@link Settings#check()}. */
  public static TopicSettings from(Settings settings) {
    String prefix = settings.string(PREFIX, "");
    if (!MessagingTopics.isLegalPrefix(prefix)) {
      settings.reportProblem(PREFIX + " may hold only letters, digits, '.', '_' and '-', at most 100 (got '"
          + prefix + "')");
      prefix = "";
    }
    int partitions = settings.integer(PARTITIONS, 6, 1, 10_000);
    int replicationFactor = settings.integer(REPLICATION_FACTOR, 1, 1, 32);
    return new TopicSettings(prefix, partitions, (short) replicationFactor);
  }

  /** The topic names behind the prefix. */
  public MessagingTopics topics() {
    return MessagingTopics.withPrefix(prefix);
  }

  /** Every topic of the system as it is to be created, for {@link Topics#ensure}. */
  public List<NewTopic> all() {
    return topics().all(partitions, replicationFactor);
  }
}
