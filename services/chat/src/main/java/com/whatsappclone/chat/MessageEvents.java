package com.whatsappclone.chat;

import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.common.tracing.KafkaTraceHeaders;
import com.whatsappclone.common.tracing.Tracing;
import io.opentelemetry.context.Context;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.proto.events.ConversationMembershipChanged;
import com.whatsappclone.proto.events.MessageSubmitted;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The Kafka events chat publishes, keyed by conversation id (a conversation stays in order). */
final class MessageEvents {

  /** Header naming the event type on the shared realtime topic. */
  static final String EVENT_TYPE_HEADER = KafkaTopics.EVENT_TYPE_HEADER;

  private final AcknowledgedSender sender;
  private final MessagingTopics topics;
  private final Tracing tracing;

  MessageEvents(AcknowledgedSender sender, MessagingTopics topics, Tracing tracing) {
    this.sender = sender;
    this.topics = topics;
    this.tracing = tracing;
  }

  /**
   * Publishes a message for the worker to store; returns once Kafka acknowledged it.
   *
   * @throws com.whatsappclone.common.error.UnavailableException when it did not in time
   */
  void submit(Message message, Collection<UUID> recipients, Duration budget) {
    MessageSubmitted.Builder event = MessageSubmitted.newBuilder()
        .setMessageId(message.id().toString())
        .setConversationId(message.conversationId().toString())
        .setSenderId(message.senderId().toString())
        .setContent(message.content())
        .setCreatedAtMicros(micros(message.createdAt()));
    if (message.mediaUrl() != null) {
      event.setMediaUrl(message.mediaUrl());
    }
    if (message.mediaType() != null) {
      event.setMediaType(message.mediaType());
    }
    if (message.clientMessageId() != null) {
      event.setClientMessageId(message.clientMessageId());
    }
    recipients.forEach(r -> event.addRecipientIds(r.toString()));
    // The send call's trace goes on to the worker's batch and realtime's delivery.
    RecordHeaders headers = new RecordHeaders();
    KafkaTraceHeaders.inject(tracing, Context.current(), headers);
    sender.send(new ProducerRecord<>(topics.submitted(), null, message.conversationId().toString(),
        event.build().toByteArray(), headers), budget);
  }

  /** Tells realtime instances that a conversation's participants changed. */
  void membershipChanged(Conversation conversation, Collection<UUID> added,
      Collection<UUID> removed, Instant at, Duration budget) {
    ConversationMembershipChanged.Builder event = ConversationMembershipChanged.newBuilder()
        .setConversationId(conversation.id().toString())
        .setChangedAtMicros(micros(at));
    added.forEach(id -> event.addAddedUserIds(id.toString()));
    removed.forEach(id -> event.addRemovedUserIds(id.toString()));
    conversation.participantIds().forEach(id -> event.addParticipantIds(id.toString()));
    RecordHeaders headers = new RecordHeaders();
    headers.add(EVENT_TYPE_HEADER, ConversationMembershipChanged.getDescriptor().getFullName()
        .getBytes(StandardCharsets.UTF_8));
    sender.send(new ProducerRecord<>(topics.realtimeEvents(), null, conversation.id().toString(),
        event.build().toByteArray(), headers), budget);
  }

  static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
