package com.whatsappclone.status;

import com.whatsappclone.common.db.DatabaseException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes statuses, and their views, once they expired more than {@link #RETENTION_AFTER_EXPIRY}
 * ago. Readers never depend on it (they filter by expiry themselves); it only keeps the tables
 * small. Deletes in batches so that no statement holds many row locks or runs for long.
 *
 * <p>{@link #runOnce()} is one complete pass, callable directly (tests drive it with a fixed clock);
 * {@link StatusApplication} schedules {@link #runScheduled()}.
 */
public final class ExpiredStatusCleanup {

  /** Expired statuses are kept this long before they are deleted. */
  public static final Duration RETENTION_AFTER_EXPIRY = Duration.ofHours(24);

  private static final Logger log = LoggerFactory.getLogger(ExpiredStatusCleanup.class);

  /** What one pass did. */
  public record Result(int deleted, int batches) {}

  private final StatusStore store;
  private final Clock clock;
  private final int batchSize;

  public ExpiredStatusCleanup(StatusStore store, Clock clock, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.store = store;
    this.clock = clock;
    this.batchSize = batchSize;
  }

  /**
   * Deletes every status that expired before now minus {@link #RETENTION_AFTER_EXPIRY}, one batch
   * per statement, until a batch comes back short. Stops early when its thread is interrupted
   * (service shutdown); the next pass picks up the rest.
   */
  public Result runOnce() {
    Instant cutoff = clock.instant().minus(RETENTION_AFTER_EXPIRY);
    int deleted = 0;
    int batches = 0;
    try {
      int lastBatch;
      do {
        lastBatch = store.deleteExpiredBatch(cutoff, batchSize);
        deleted += lastBatch;
        batches++;
      } while (lastBatch == batchSize && !Thread.currentThread().isInterrupted());
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
    if (deleted > 0) {
      log.info("deleted {} status(es) that expired before {} ({} batch(es))", deleted, cutoff, batches);
    }
    return new Result(deleted, batches);
  }

  /** {@link #runOnce()} for the scheduler: a failure is logged and the next run still happens. */
  public void runScheduled() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; a database hiccup must not end cleanup.
      log.warn("expired status cleanup failed; retrying at the next run", e);
    }
  }
}
