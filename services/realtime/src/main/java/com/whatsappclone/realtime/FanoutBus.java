package com.whatsappclone.realtime;

import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.proto.events.RealtimeInstanceAlive;
import com.whatsappclone.proto.events.ServerEventFanout;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries events between realtime instances over {@link KafkaTopics#REALTIME_EVENTS}: an instance
 * delivers an event to its own devices at once and publishes it here for the others' devices
 * (receipts to a sender connected elsewhere, typing, presence) - only while another instance is
 * alive ({@link PeerInstances}): with one instance, nothing is published.
 *
 * <p>The instances find each other on the same topic ({@code RealtimeInstanceAlive}, see
 * proto/realtime_events.proto): {@link #announceStart} before the doors open, {@link #announce}
 * every heartbeat, a goodbye at shutdown.
 *
 * <p>The topic is shared with chat's membership-change announcements. Records are told apart by
 * the {@value #TYPE_HEADER} header; any record that is neither a fan-out nor an instance's
 * announcement is taken as a possible membership change (see
 * {@link RealtimeService#onMembershipRecord}), so an announcement of a shape this code does not
 * know still refreshes the participant cache.
 */
final class FanoutBus {

  static final String TYPE_HEADER = KafkaTopics.EVENT_TYPE_HEADER;
  static final String FANOUT_TYPE = ServerEventFanout.getDescriptor().getFullName();
  static final String ALIVE_TYPE = RealtimeInstanceAlive.getDescriptor().getFullName();

  private static final Logger log = LoggerFactory.getLogger(FanoutBus.class);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final String instanceId;
  private final PeerInstances peers;

  /**
   * A receipt the broker did not take is sent again this often: a broker restart or a leader
   * change is usually over within seconds.
   */
  static final Duration RECEIPT_RETRY_EVERY = Duration.ofSeconds(1);
  /**
   * A receipt is given up after this long; its sender still gets it from the receipt catch-up the
   * next time it connects.
   */
  static final Duration RECEIPT_RETRY_FOR = Duration.ofMinutes(5);
  /** Receipts waiting to be sent again, at most; beyond it they are left to the receipt catch-up. */
  static final int MAX_RECEIPTS_WAITING = 10_000;

  private final ScheduledExecutorService retries;
  private final AtomicInteger receiptsWaiting = new AtomicInteger();
  private final AtomicLong receiptsGivenUp = new AtomicLong();

  /**
   * @param topic   {@link KafkaTopics#REALTIME_EVENTS} behind the deployment's prefix
   * @param retries where receipts the broker refused wait to be sent again (never a selector thread)
   */
  FanoutBus(Producer<String, byte[]> producer, String topic, PeerInstances peers,
      ScheduledExecutorService retries) {
    this.producer = producer;
    this.topic = topic;
    this.instanceId = peers.self();
    this.peers = peers;
    this.retries = retries;
  }

  /**
   * Publishes for the other instances, if any is alive; the local delivery already happened.
   * Typing and presence that the broker does not take are dropped (a moment later they mean
   * nothing); a receipt is sent again every {@link #RECEIPT_RETRY_EVERY} for up to
   * {@link #RECEIPT_RETRY_FOR}, since a sender connected elsewhere would otherwise miss its tick
   * until it reconnects. A receipt sent twice is harmless: it sets a state the client already has.
   */
  void publish(Collection<String> recipients, ServerEvent event) {
    if (recipients.isEmpty() || !peers.anyAlive()) {
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
    boolean receipt = event.hasDelivered() || event.hasRead();
    send(record, event.getEventCase(), receipt ? System.nanoTime() : -1);
  }

  /** Receipts waiting to be sent again now. */
  int receiptsWaiting() {
    return receiptsWaiting.get();
  }

  /** @param firstTry when the receipt was first sent (nanoTime); negative: not a receipt, no retry */
  private void send(ProducerRecord<String, byte[]> record, ServerEvent.EventCase what, long firstTry) {
    try {
      producer.send(record, (metadata, error) -> {
        if (error != null) {
          failed(record, what, firstTry, error);
        }
      });
    } catch (RuntimeException e) {
      failed(record, what, firstTry, e);
    }
  }

  private void failed(ProducerRecord<String, byte[]> record, ServerEvent.EventCase what, long firstTry,
      Exception error) {
    if (firstTry < 0) {
      log.warn("could not publish a {} event for other instances: {}", what, error.toString());
      return;
    }
    boolean tooOld = System.nanoTime() - firstTry >= RECEIPT_RETRY_FOR.toNanos();
    if (tooOld || receiptsWaiting.incrementAndGet() > MAX_RECEIPTS_WAITING) {
      if (!tooOld) {
        receiptsWaiting.decrementAndGet();
      }
      if (receiptsGivenUp.getAndIncrement() % 1000 == 0) {
        log.warn("could not publish a {} receipt for other instances ({}; {} given up so far, {} waiting):"
            + " its sender gets it from the receipt catch-up when it reconnects", what, error.toString(),
            receiptsGivenUp.get(), receiptsWaiting.get());
      }
      return;
    }
    if (receiptsWaiting.get() == 1) {
      log.warn("could not publish a {} receipt for other instances ({}); sending it again every {} ms",
          what, error.toString(), RECEIPT_RETRY_EVERY.toMillis());
    }
    try {
      retries.schedule(() -> {
        receiptsWaiting.decrementAndGet();
        send(record, what, firstTry);
      }, RECEIPT_RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      receiptsWaiting.decrementAndGet();
      log.debug("not sending a {} receipt again: the instance is stopping", what);
    }
  }

  /**
   * Announces this instance and waits until the broker has it and this instance's own reader
   * got it back: from then on every peer reading the topic can know it. Call after the topic
   * readers started and before the doors accept devices.
   *
   * @throws KafkaException when that does not happen within {@code timeout}
   */
  void announceStart(Duration timeout) {
    try {
      producer.send(alive(false)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!peers.awaitSelfHeard(timeout)) {
        throw new KafkaException("this instance's announcement on " + topic + " did not come back within " + timeout);
      }
    } catch (ExecutionException e) {
      throw new KafkaException("could not announce this instance on " + topic + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new KafkaException("could not announce this instance on " + topic + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while announcing this instance on " + topic, e);
    }
  }

  /** "Still here" (every heartbeat, and to a newcomer) or, with {@code leaving}, the goodbye. */
  void announce(boolean leaving) {
    try {
      producer.send(alive(leaving), (metadata, error) -> {
        if (error != null) {
          log.warn("could not announce this instance: {}", error.toString());
        }
      });
    } catch (RuntimeException e) {
      log.warn("could not announce this instance: {}", e.toString());
    }
  }

  private ProducerRecord<String, byte[]> alive(boolean leaving) {
    RealtimeInstanceAlive alive = RealtimeInstanceAlive.newBuilder()
        .setInstanceId(instanceId)
        .setIntervalMillis(peers.interval().toMillis())
        .setLeaving(leaving)
        .build();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, instanceId, alive.toByteArray());
    record.headers().add(TYPE_HEADER, ALIVE_TYPE.getBytes(StandardCharsets.UTF_8));
    return record;
  }

  /**
   * Sorts one record of the topic: another instance's fan-out goes to {@code onFanout} (this
   * instance's own are skipped, it delivered them already), an instance's announcement updates
   * the peers (a newcomer is answered with this instance's own), anything else goes to
   * {@code onOther}.
   */
  void dispatch(ConsumerRecord<String, byte[]> record, Consumer<ServerEventFanout> onFanout,
      Consumer<ConsumerRecord<String, byte[]>> onOther) {
    String type = KafkaTopics.eventTypeOf(record);
    if (ALIVE_TYPE.equals(type)) {
      onAlive(record);
      return;
    }
    if (!FANOUT_TYPE.equals(type)) {
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

  private void onAlive(ConsumerRecord<String, byte[]> record) {
    RealtimeInstanceAlive alive;
    try {
      alive = RealtimeInstanceAlive.parseFrom(record.value());
    } catch (InvalidProtocolBufferException | NullPointerException e) {
      log.warn("skipping an undecodable instance announcement (partition {}, offset {})",
          record.partition(), record.offset());
      return;
    }
    if (alive.getLeaving()) {
      peers.left(alive.getInstanceId());
    } else if (peers.heard(alive.getInstanceId(), Duration.ofMillis(alive.getIntervalMillis()))) {
      announce(false);
    }
  }
}
