package com.whatsappclone.worker;

import com.whatsappclone.common.grpc.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's readiness condition "lag", and its log lines: not ready while it is behind.
 * Says in the log when the worker falls behind: once when the records waiting in its partitions
 * (their total lag) reach the threshold, once when they are back under half of it, never a line
 * per poll. Half, so that a lag hovering around the threshold does not log every second.
 * Checked at most every {@link #CHECK_INTERVAL}; a partition whose lag the consumer does not know
 * yet (nothing fetched since it was assigned) counts as 0.
 */
final class ConsumerLag implements Readiness.Check {

  private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  private final long threshold;
  private final Clock clock;
  private Instant nextCheck = Instant.MIN;
  private volatile boolean behind;
  private volatile long total;
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

  /** Read by the readiness thread; set by the loop's thread at each check. */
  @Override
  public Optional<String> problem() {
    return behind
        ? Optional.of(total + " record(s) waiting in this worker's partitions (behind from "
            + threshold + " until under " + threshold / 2 + ", MESSAGE_WORKER_LAG_WARNING)")
        : Optional.empty();
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
    this.total = total;
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
