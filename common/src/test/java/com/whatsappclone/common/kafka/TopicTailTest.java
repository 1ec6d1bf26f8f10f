package com.whatsappclone.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** What a tail says of itself for readiness: how far behind its topic it is, and whether it reads at all. */
@WithKafka
class TopicTailTest {

  private static final int BURST = 40;
  private static final int MAX_LAG = 10;
  /** 40 records at this pace take 4 s: the tail adds up its lag every second. */
  private static final Duration HANDLING = Duration.ofMillis(100);

  @Test
  void aTailHeldUpByItsHandlerIsNotKeepingUpUntilItHasReadTheBacklog(TestKafka kafka) throws Exception {
    String topic = UniqueNames.of("tail-test");
    Topics.ensure(kafka.bootstrapServers(), List.of(new NewTopic(topic, 1, (short) 1)));
    KafkaFactories factories = new KafkaFactories(kafka.bootstrapServers(), "tail-test");
    AtomicInteger handled = new AtomicInteger();
    // One record per poll, each taking a while: most of the burst waits in the partition.
    TopicTail tail = new TopicTail(factories, topic, UniqueNames.of("tail-test"), record -> {
      sleep(HANDLING);
      handled.incrementAndGet();
    }, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1));
    try (Producer<String, byte[]> producer = factories.newProducer()) {
      tail.start(Duration.ofSeconds(30));
      assertThat(tail.notKeepingUp(MAX_LAG)).isEmpty();

      for (int i = 0; i < BURST; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, new byte[] {1}));
      }
      producer.flush();

      Optional<String> behind = Eventually.await("the tail to count its backlog",
          () -> tail.notKeepingUp(MAX_LAG), Optional::isPresent);
      assertThat(behind.orElseThrow()).contains("record(s) behind on " + topic).contains("at most " + MAX_LAG);

      Eventually.await("the tail to read the burst", handled::get, n -> n == BURST);
      Eventually.await("the tail to be caught up", () -> tail.notKeepingUp(MAX_LAG), Optional::isEmpty);
    } finally {
      tail.close();
    }
    assertThat(tail.notKeepingUp(MAX_LAG)).hasValue("not reading " + topic);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
