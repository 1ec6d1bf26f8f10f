package com.whatsappclone.status;

import com.whatsappclone.common.config.Settings;
import java.time.Duration;

/**
 * STATUS_CLEANUP_INTERVAL and STATUS_CLEANUP_BATCH_SIZE: how often the expired-status cleanup runs
 * and how many statuses one of its statements deletes.
 */
public record CleanupSettings(Duration interval, int batchSize) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
  public static final int DEFAULT_BATCH_SIZE = 500;

  /** The first run comes at most this long after start-up, so frequent restarts still clean up. */
  static final Duration MAX_FIRST_DELAY = Duration.ofMinutes(1);

  public static CleanupSettings from(Settings settings) {
    Duration interval = settings.duration("STATUS_CLEANUP_INTERVAL", DEFAULT_INTERVAL);
    if (interval.isNegative() || interval.isZero()) {
      settings.reportProblem("STATUS_CLEANUP_INTERVAL must be positive (got " + interval + ")");
      interval = DEFAULT_INTERVAL;
    }
    int batchSize = settings.integer("STATUS_CLEANUP_BATCH_SIZE", DEFAULT_BATCH_SIZE, 1, 10_000);
    return new CleanupSettings(interval, batchSize);
  }

  Duration firstDelay() {
    return interval.compareTo(MAX_FIRST_DELAY) < 0 ? interval : MAX_FIRST_DELAY;
  }
}
