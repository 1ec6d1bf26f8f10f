package com.whatsappclone.chat;

import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.common.kafka.TopicTail;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.proto.events.ConversationMembershipChanged;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows {@code realtime.events} (every partition, from its end: {@link TopicTail}) so that a
 * membership change made through any chat instance drops this instance's cached conversation
 * within the event's latency. Records of realtime's own traffic on that topic (they carry another
 * event type) are skipped; a record without a type is taken as a change, to be safe.
 */
final class MembershipFollower implements AutoCloseable {

  private static final String MEMBERSHIP_TYPE = ConversationMembershipChanged.getDescriptor().getFullName();

  private final KafkaFactories kafka;
  private final String topic;
  private volatile TopicTail tail;
  private boolean closed;

  MembershipFollower(KafkaFactories kafka, String topic) {
    this.kafka = kafka;
    this.topic = topic;
  }

  /**
   * Starts reading the topic into {@code cache}; returns once it reads from the end of every
   * partition. The cache is emptied then: changes made before that were not seen.
   *
   * @throws org.apache.kafka.common.KafkaException when the topic cannot be read (retry later)
   */
  void follow(ConversationCache cache, Duration timeout) {
    TopicTail started = new TopicTail(kafka, topic, "chat-" + UUID.randomUUID(),
        record -> onRecord(record, cache));
    started.start(timeout);
    synchronized (this) {
      if (closed) {
        started.close();
        return;
      }
      tail = started;
    }
    cache.invalidateAll();
  }

  /** True while every membership announcement reaches the cache. */
  boolean following() {
    TopicTail current = tail;
    return current != null && current.following();
  }

  static void onRecord(ConsumerRecord<String, byte[]> record, ConversationCache cache) {
    String type = KafkaTopics.eventTypeOf(record);
    if (type != null && !MEMBERSHIP_TYPE.equals(type)) {
      return;
    }
    Optional<UUID> conversationId = Ids.tryParse(record.key());
    if (conversationId.isPresent()) {
      cache.invalidate(conversationId.get());
    } else {
      cache.invalidateAll();
    }
  }

  @Override
  public void close() {
    TopicTail current;
    synchronized (this) {
      closed = true;
      current = tail;
    }
    if (current != null) {
      current.close();
    }
  }
}
