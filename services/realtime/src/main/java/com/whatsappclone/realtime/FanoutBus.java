package com.whatsappclone.realtime;

import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.proto.events.ServerEventFanout;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries events between realtime instances over {@link KafkaTopics#REALTIME_EVENTS}: an instance
 * delivers an event to its own devices at once and publishes it here for the others' devices
 * (receipts to a sender connected elsewhere, typing, presence).
 *
 * <p>The topic is shared with chat's membership-change announcements. Records are told apart by
 * the {@value #TYPE_HEADER} header; any record that is not a fan-out is taken as a possible
 * membership change (see {@link RealtimeService#onMembershipRecord}), so an announcement of a
 * shape this code does not know still refreshes the participant cache.
 */
final class FanoutBus {

  static final String TYPE_HEADER = KafkaTopics.EVENT_TYPE_HEADER;
  static final String FANOUT_TYPE = ServerEventFanout.getDescriptor().getFullName();

  private static final Logger log = LoggerFactory.getLogger(FanoutBus.class);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final String instanceId;

  /** @param topic {@link KafkaTopics#REALTIME_EVENTS} behind the deployment's prefix */
  FanoutBus(Producer<String, byte[]> producer, String topic, String instanceId) {
    this.producer = producer;
    this.topic = topic;
    this.instanceId = instanceId;
  }

  /** Publishes for the other instances; failures are logged, the local delivery already happened. */
  void publish(Collection<String> recipients, ServerEvent event) {
    if (recipients.isEmpty()) {
      return;
    }
    ServerEventFanout fanout = ServerEventFanout.newBuilder()
        .setOriginInstanceId(instanceId)
        .addAllRecipientUserIds(recipients)
        .setEvent(event)
        .build();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic,
        recipients.iterator().next(), fanout.toByteArray());
    record.headers().add(TYPE_HEADER, FANOUT_TYPE.getBytes(StandardCharsets.UTF_8));
    try {
      producer.send(record, (metadata, error) -> {
        if (error != null) {
          log.warn("could not publish a {} event for other instances: {}",
              event.getEventCase(), error.toString());
        }
      });
    } catch (RuntimeException e) {
      log.warn("could not publish a {} event for other instances: {}", event.getEventCase(), e.toString());
    }
  }

  /**
   * Sorts one record of the topic: another instance's fan-out goes to {@code onFanout} (this
   * instance's own are skipped, it delivered them already), anything else to {@code onOther}.
   */
  void dispatch(ConsumerRecord<String, byte[]> record, Consumer<ServerEventFanout> onFanout,
      Consumer<ConsumerRecord<String, byte[]>> onOther) {
    if (!FANOUT_TYPE.equals(typeOf(record))) {
      onOther.accept(record);
      return;
    }
    ServerEventFanout fanout;
    try {
      fanout = ServerEventFanout.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      log.warn("skipping an undecodable fan-out record (partition {}, offset {})",
          record.partition(), record.offset());
      return;
    }
    if (!instanceId.equals(fanout.getOriginInstanceId())) {
      onFanout.accept(fanout);
    }
  }

  /** The {@value #TYPE_HEADER} header of a record, or null. */
  static String typeOf(ConsumerRecord<String, byte[]> record) {
    Header type = record.headers().lastHeader(TYPE_HEADER);
    return type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8);
  }
}
