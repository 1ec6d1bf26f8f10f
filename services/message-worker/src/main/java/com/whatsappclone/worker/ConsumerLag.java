package com.whatsappclone.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when the worker falls behind: once when the records waiting in its partitions
 * (their total lag) reach the threshold, once when they are back under half of it, never a line
 * per poll. Half, so that a lag hovering around the threshold does not log every second.
 * Checked at most every {@link #CHECK_INTERVAL}; a partition whose lag the consumer does not know
 * yet (nothing fetched since it was assigned) counts as 0.
 */
final class ConsumerLag {

  private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  private final long threshold;
  private final Clock clock;
  private Instant nextCheck = Instant.MIN;
  private boolean behind;
  private long peak;

  /** @param threshold records waiting, summed over this worker's partitions, that count as behind */
  ConsumerLag(long threshold, Clock clock) {
    if (threshold < 1) {
      throw new IllegalArgumentException("lag threshold must be positive: " + threshold);
    }
    this.threshold = threshold;
    this.clock = clock;
  }

  /** True when the last check found the worker behind. */
  boolean behind() {
    return behind;
  }

  /** The lag is read from {@code lags} only when a check is due. */
  void check(Supplier<Map<TopicPartition, Long>> lags) {
    Instant now = clock.instant();
    if (now.isBefore(nextCheck)) {
      return;
    }
    nextCheck = now.plus(CHECK_INTERVAL);
    Map<TopicPartition, Long> perPartition = lags.get();
    long total = perPartition.values().stream().mapToLong(Long::longValue).sum();
    if (!behind && total >= threshold) {
      behind = true;
      peak = total;
      log.warn("consumer lag {} record(s) >= {}: storing falls behind what is submitted; per partition {}",
          total, threshold, perPartition);
    } else if (behind && total < threshold / 2) {
      behind = false;
      log.info("consumer lag back to {} record(s) (peak {})", total, peak);
    } else if (behind) {
      peak = Math.max(peak, total);
    }
  }
}
