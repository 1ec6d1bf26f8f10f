package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.kafka.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Which records of realtime.events drop a cached conversation (no Kafka needed: the decision alone). */
class MembershipFollowerTest {

  private final UUID conversationId = UUID.randomUUID();
  private final AtomicInteger loads = new AtomicInteger();
  private final ConversationCache cache = new ConversationCache(id -> {
    loads.incrementAndGet();
    return Optional.of(new Conversation(id, List.of(), Instant.EPOCH, false, null, null, 0));
  }, 10, Duration.ofHours(1), Clock.systemUTC(), () -> true);

  @Test
  void realtimesOwnTrafficLeavesTheCacheAlone() throws Exception {
    cache.find(conversationId);
    MembershipFollower.onRecord(record("whatsapp.events.ServerEventFanout"), cache);
    cache.find(conversationId);
    assertThat(loads).hasValue(1);
  }

  @Test
  void aMembershipChangeDropsItsConversation() throws Exception {
    cache.find(conversationId);
    MembershipFollower.onRecord(record("whatsapp.events.ConversationMembershipChanged"), cache);
    cache.find(conversationId);
    assertThat(loads).hasValue(2);
  }

  @Test
  void aTypeHeaderWithoutAValueCountsAsAChange() throws Exception {
    cache.find(conversationId);
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("realtime.events", 0, 0,
        conversationId.toString(), new byte[0]);
    record.headers().add(KafkaTopics.EVENT_TYPE_HEADER, null);
    MembershipFollower.onRecord(record, cache);
    cache.find(conversationId);
    assertThat(loads).hasValue(2);
  }

  private ConsumerRecord<String, byte[]> record(String type) {
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("realtime.events", 0, 0,
        conversationId.toString(), new byte[0]);
    record.headers().add(KafkaTopics.EVENT_TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
    return record;
  }
}
