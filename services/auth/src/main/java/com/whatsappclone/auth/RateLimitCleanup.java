package com.whatsappclone.auth;

import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rate-limit rows whose window ended, so that the table holds only live windows, and
 * contact syncs that expired unfinished.
 */
final class RateLimitCleanup implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RateLimitCleanup.class);

  private final RateLimitStore store;
  private final ContactStore contacts;
  private final Clock clock;

  RateLimitCleanup(RateLimitStore store, ContactStore contacts, Clock clock) {
    this.store = store;
    this.contacts = contacts;
    this.clock = clock;
  }

  /** Never throws: a scheduled task that throws is never run again. */
  @Override
  public void run() {
    try {
      int deleted = store.deleteExpired(clock.instant());
      if (deleted > 0) {
        log.debug("deleted {} ended rate-limit window(s)", deleted);
      }
      int syncs = contacts.deleteExpiredSyncs(clock.instant());
      if (syncs > 0) {
        log.debug("deleted {} expired contact sync(s)", syncs);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("rate-limit cleanup failed, will retry: {}", e.toString());
    }
  }
}
