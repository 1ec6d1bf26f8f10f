package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.whatsappclone.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsumerLagTest {

  private static final TopicPartition P0 = new TopicPartition("messages.submitted", 0);
  private static final TopicPartition P1 = new TopicPartition("messages.submitted", 1);

  private final MutableClock clock = MutableClock.startingNow();
  private final ConsumerLag lag = new ConsumerLag(100, clock);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ConsumerLag.class);

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  @Test
  void logsOnceWhenTheTotalLagReachesTheThresholdAndOnceWhenItIsUnderHalfOfIt() {
    check(Map.of(P0, 40L, P1, 40L));
    assertThat(lag.behind()).isFalse();
    check(Map.of(P0, 60L, P1, 40L));
    assertThat(lag.behind()).isTrue();
    check(Map.of(P0, 300L));
    check(Map.of(P0, 60L)); // under the threshold, not yet under half: still behind, no line
    assertThat(lag.behind()).isTrue();
    check(Map.of(P0, 49L));
    assertThat(lag.behind()).isFalse();
    check(Map.of());

    assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
        behind -> assertThat(behind).startsWith("consumer lag 100 record(s) >= 100").contains("messages.submitted-0=60"),
        back -> assertThat(back).isEqualTo("consumer lag back to 49 record(s) (peak 300)"));
  }

  @Test
  void readsTheLagAtMostOncePerIntervalHoweverOftenThePollsCome() {
    AtomicInteger reads = new AtomicInteger();
    for (int poll = 0; poll < 50; poll++) {
      lag.check(() -> {
        reads.incrementAndGet();
        return Map.of(P0, 1_000L);
      });
      clock.advance(Duration.ofMillis(100));
    }

    assertThat(reads.get()).isEqualTo(5);
    assertThat(logged.list).hasSize(1);
  }

  private void check(Map<TopicPartition, Long> lags) {
    lag.check(() -> lags);
    clock.advance(ConsumerLag.CHECK_INTERVAL);
  }
}
