package com.whatsappclone.chat;

import com.whatsappclone.common.lifecycle.DaemonThreads;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the {@code pending_messages} reservations older than the idempotency window
 * (CLIENT_MESSAGE_ID_RETENTION), stored or not: past it, a client_message_id counts as new. Every
 * chat instance runs it; running it twice at once only deletes nothing the second time.
 */
final class ReservationCleanup implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReservationCleanup.class);
  static final int SLICE = 5_000;

  private final PendingMessageStore pending;
  private final Duration retention;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("chat-reservation-cleanup"));

  ReservationCleanup(PendingMessageStore pending, Duration retention, Clock clock) {
    this.pending = pending;
    this.retention = retention;
    this.clock = clock;
  }

  /** Runs now and then every {@code interval}. */
  ReservationCleanup start(Duration interval) {
    timer.scheduleWithFixedDelay(this::runLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** @return how many reservations it deleted */
  int runOnce() throws SQLException {
    Instant cutoff = clock.instant().minus(retention);
    int total = 0;
    int deleted;
    do {
      deleted = pending.deleteReservedBefore(cutoff, SLICE);
      total += deleted;
    } while (deleted == SLICE);
    return total;
  }

  private void runLogged() {
    try {
      int deleted = runOnce();
      if (deleted > 0) {
        log.info("deleted {} client_message_id reservation(s) older than {}", deleted, retention);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("deleting old client_message_id reservations failed, trying again later: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
