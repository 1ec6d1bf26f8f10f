package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void advanceMovesTimeByExactlyTheDuration() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    assertThat(clock.advance(Duration.ofMinutes(15))).isEqualTo(Instant.parse("2026-01-01T00:15:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:15:00Z"));
  }

  @Test
  void clockInAnotherZoneSharesTheMovingTime() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Clock istanbul = clock.withZone(ZoneId.of("Europe/Istanbul"));

    clock.advance(Duration.ofHours(1));

    assertThat(istanbul.getZone()).isEqualTo(ZoneId.of("Europe/Istanbul"));
    assertThat(istanbul.instant()).isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
  }
}
