package com.whatsappclone.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyedBucketsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  // 10 a second, bursts of 20: a bucket is full again 2 s after it was emptied.
  private final KeyedBuckets buckets = new KeyedBuckets(10, 20, new ClockTimeMeter(clock));

  @Test
  void burstIsAvailableAtOnceThenTheRate() {
    for (int i = 0; i < 20; i++) {
      assertThat(buckets.tryConsume("alice").isConsumed()).isTrue();
    }
    assertThat(buckets.tryConsume("alice").isConsumed()).isFalse();

    clock.advance(Duration.ofMillis(300));
    assertThat(buckets.tryConsume("alice").isConsumed()).isTrue();
    assertThat(buckets.tryConsume("alice").isConsumed()).isTrue();
    assertThat(buckets.tryConsume("alice").isConsumed()).isTrue();
    assertThat(buckets.tryConsume("alice").isConsumed()).isFalse();
  }

  @Test
  void refusalSaysHowLongUntilTheNextToken() {
    for (int i = 0; i < 20; i++) {
      buckets.tryConsume("bob");
    }

    assertThat(buckets.tryConsume("bob").getNanosToWaitForRefill()).isEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void idleKeysAreDroppedAndComeBackWithAFullBucket() {
    for (int i = 0; i < 20; i++) {
      buckets.tryConsume("idle");
    }
    buckets.tryConsume("busy");
    assertThat(buckets.size()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(2));
    buckets.tryConsume("busy");
    clock.advance(Duration.ofSeconds(2));
    buckets.tryConsume("busy");

    assertThat(buckets.size()).as("only the key used within the idle period is left").isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      assertThat(buckets.tryConsume("idle").isConsumed()).isTrue();
    }
    assertThat(buckets.tryConsume("idle").isConsumed()).isFalse();
  }
}
