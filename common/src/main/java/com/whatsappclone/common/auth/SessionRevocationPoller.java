package com.whatsappclone.common.auth;

import com.whatsappclone.common.config.Settings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a {@link SessionRevocations} from PostgreSQL: every {@value #POLL_INTERVAL} (1 s by
 * default) it reads the user_devices rows revoked since the last read
 * ({@code revoked_at > :since}, served by idx_user_devices_revoked_at).
 *
 * <p>{@code :since} is the database's own time at the previous read minus an overlap of a few
 * seconds, so the cursor does not depend on this service's clock, and a row whose transaction
 * took its {@code revoked_at} from the auth service's clock but committed a moment later (or on an
 * auth instance whose clock runs a little behind) is still seen on the next read. Rows read twice
 * are ignored by the list. At start-up it reads everything revoked within the access token
 * lifetime (plus the overlap), synchronously, so a service knows the revocations before it serves.
 *
 * <p>When the database cannot be reached the list keeps what it has and the poller keeps trying
 * at the same pace from the same cursor, so nothing revoked meanwhile is missed once it is back;
 * until then those revocations are not enforced by this service (revocation lags). That is
 * logged once when it starts failing and once when it recovers, not on every poll.
 */
public final class SessionRevocationPoller implements AutoCloseable {

  /** The setting naming the poll interval (a duration, default 1s). */
  public static final String POLL_INTERVAL = "SESSION_REVOCATION_POLL_INTERVAL";
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  /** How far back each read reaches before the previous read's time. */
  public static final Duration DEFAULT_OVERLAP = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(SessionRevocationPoller.class);
  private static final String SQL =
      "SELECT id, user_id, revoked_at FROM user_devices WHERE revoked_at > ?";

  private final DataSource dataSource;
  private final SessionRevocations revocations;
  private final Duration overlap;
  private final Object pollLock = new Object();
  private ScheduledExecutorService scheduler;
  /** Database time minus the overlap at the last successful read; null before the first. */
  private Instant cursor;
  private boolean failing;

  public SessionRevocationPoller(DataSource dataSource, SessionRevocations revocations, Duration overlap) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.revocations = Objects.requireNonNull(revocations, "revocations");
    this.overlap = Objects.requireNonNull(overlap, "overlap");
    if (overlap.isNegative()) {
      throw new IllegalArgumentException("overlap must not be negative, got " + overlap);
    }
  }

  /** {@value #POLL_INTERVAL}; a value that is not a positive duration is recorded as a problem. */
  public static Duration pollInterval(Settings settings) {
    Duration interval = settings.duration(POLL_INTERVAL, DEFAULT_POLL_INTERVAL);
    if (interval.toMillis() < 1) {
      settings.reportProblem(POLL_INTERVAL + " must be a positive duration such as 1s or 500ms (got "
          + interval + ")");
      return DEFAULT_POLL_INTERVAL;
    }
    return interval;
  }

  /**
   * Reads once now (the start-up load; a failure is logged, not thrown), then every
   * {@code interval} on a daemon thread of its own named after {@code service}; {@link #close()}
   * stops it.
   */
  public static SessionRevocationPoller start(String service, DataSource dataSource,
      SessionRevocations revocations, Duration interval) {
    SessionRevocationPoller poller = new SessionRevocationPoller(dataSource, revocations, DEFAULT_OVERLAP);
    poller.pollQuietly();
    poller.schedule(service, interval);
    return poller;
  }

  private void schedule(String service, Duration interval) {
    scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, service + "-session-revocations");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * One read: adds what was revoked since the cursor and forgets expired entries.
   *
   * @return the revocations the list did not know yet
   * @throws SQLException when the database cannot be read (the cursor stays where it was)
   */
  public List<SessionRevocations.Revocation> pollOnce() throws SQLException {
    synchronized (pollLock) {
      List<SessionRevocations.Revocation> rows = new ArrayList<>();
      Instant databaseNow;
      try (Connection c = dataSource.getConnection()) {
        // Read before the rows: whatever commits after the read below started did so after this.
        try (PreparedStatement s = c.prepareStatement("SELECT statement_timestamp()");
            ResultSet row = s.executeQuery()) {
          row.next();
          databaseNow = row.getObject(1, OffsetDateTime.class).toInstant();
        }
        Instant since = cursor != null
            ? cursor
            : databaseNow.minus(revocations.retention()).minus(overlap);
        try (PreparedStatement s = c.prepareStatement(SQL)) {
          s.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
          try (ResultSet row = s.executeQuery()) {
            while (row.next()) {
              rows.add(new SessionRevocations.Revocation(row.getString("id"), row.getString("user_id"),
                  row.getObject("revoked_at", OffsetDateTime.class).toInstant()));
            }
          }
        }
      }
      cursor = databaseNow.minus(overlap);
      List<SessionRevocations.Revocation> added = revocations.addAll(rows);
      revocations.forgetExpired();
      return added;
    }
  }

  private void pollQuietly() {
    try {
      pollOnce();
      if (failing) {
        failing = false;
        log.info("reading session revocations from the database again");
      }
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("cannot read session revocations from the database ({}); keeping the {} known and "
            + "retrying: sessions revoked meanwhile are not refused here until it recovers",
            e.toString(), revocations.size());
      }
    }
  }

  /** Stops the periodic reads (a read in progress is interrupted). */
  @Override
  public void close() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
