package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.MessageDelivered;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.TypingIndicator;
import com.whatsappclone.testing.Eventually;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the bus does with an event the broker did not take (the producer's own error, as after a
 * broker outage longer than its delivery timeout): a receipt is sent again, typing is not. The
 * producer is kafka-clients' MockProducer, which lets the test fail a send; the fault suite's
 * kafka-stop scenario shows the same over a real broker.
 */
class FanoutBusRetryTest {

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private ScheduledExecutorService retries;
  private FanoutBus bus;

  @BeforeEach
  void start() {
    retries = Executors.newSingleThreadScheduledExecutor();
    PeerInstances peers = new PeerInstances("self", Duration.ofSeconds(5), Clock.systemUTC());
    peers.heard("other", Duration.ofSeconds(5));
    bus = new FanoutBus(producer, "realtime.events", peers, retries);
  }

  @AfterEach
  void stop() {
    retries.shutdownNow();
  }

  @Test
  void aReceiptTheBrokerRefusedIsSentAgainUntilItIsTaken() throws Exception {
    ServerEvent delivered = ServerEvent.newBuilder().setDelivered(MessageDelivered.newBuilder()
        .setMessageId("m-1").setConversationId("c-1").setUserId("reader")).build();

    bus.publish(List.of("sender"), delivered);
    assertThat(producer.errorNext(new TimeoutException("expired in the accumulator"))).isTrue();
    assertThat(bus.receiptsWaiting()).isEqualTo(1);

    Eventually.await("the receipt sent again", () -> producer.history().size(), n -> n == 2);
    assertThat(producer.history().get(1).value()).isEqualTo(producer.history().get(0).value());
    assertThat(producer.errorNext(new TimeoutException("still down"))).isTrue();
    Eventually.await("the receipt sent a third time", () -> producer.history().size(), n -> n == 3);
    assertThat(producer.completeNext()).isTrue();

    Thread.sleep(FanoutBus.RECEIPT_RETRY_EVERY.toMillis() + 500);
    assertThat(producer.history()).as("taken: not sent again").hasSize(3);
    assertThat(bus.receiptsWaiting()).isZero();
  }

  @Test
  void typingTheBrokerRefusedIsDroppedNotSentAgain() throws Exception {
    ServerEvent typing = ServerEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
        .setConversationId("c-1").setUserId("typist").setIsTyping(true)).build();

    bus.publish(List.of("reader"), typing);
    assertThat(producer.errorNext(new TimeoutException("expired in the accumulator"))).isTrue();

    Thread.sleep(FanoutBus.RECEIPT_RETRY_EVERY.toMillis() + 500);
    assertThat(producer.history()).hasSize(1);
    assertThat(bus.receiptsWaiting()).isZero();
  }
}
