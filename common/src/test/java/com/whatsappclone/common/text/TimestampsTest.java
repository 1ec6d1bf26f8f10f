package com.whatsappclone.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void writesRfc3339InUtcWithAsManyFractionDigitsAsNeededUpToMicroseconds() {
    assertThat(Timestamps.format(Instant.parse("2024-05-01T10:15:30Z"))).isEqualTo("2024-05-01T10:15:30Z");
    assertThat(Timestamps.format(Instant.parse("2024-05-01T10:15:30.120Z"))).isEqualTo("2024-05-01T10:15:30.120Z");
    assertThat(Timestamps.format(Instant.parse("2024-05-01T10:15:30.123456Z")))
        .isEqualTo("2024-05-01T10:15:30.123456Z");
  }

  @Test
  void dropsWhatPostgresqlWouldNotStoreAndWritesNothingForATimeNeverSet() {
    assertThat(Timestamps.format(Instant.parse("2024-05-01T10:15:30.123456789Z")))
        .isEqualTo("2024-05-01T10:15:30.123456Z");
    assertThat(Timestamps.format(null)).isEmpty();
  }
}
