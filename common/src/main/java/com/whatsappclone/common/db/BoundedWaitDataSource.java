package com.whatsappclone.common.db;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.grpc.Context;
import io.grpc.Deadline;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The DataSource every store gets: each connection it hands out comes with one time budget, so a
 * database that is down or stalled (a stopped process, a dead network) fails the call within that
 * budget instead of blocking a thread until the client's deadline or forever.
 *
 * <p>The budget is the shorter of the stall timeout (DB_STALL_TIMEOUT) and what is left of the gRPC
 * call's deadline ({@code io.grpc.Context}, less a moment for the answer to travel back); a
 * background loop, which has no deadline, gets the stall timeout. It bounds both the wait for a
 * pooled connection and, through {@link Connection#setNetworkTimeout}, every round trip on that
 * connection: a round trip that hears nothing in time fails with SQLState 08006, HikariCP evicts
 * the broken connection, and {@code StatusMapper} answers UNAVAILABLE with a RetryInfo. Applied
 * here, once, instead of in every store; HikariCP restores the pool's network timeout when the
 * connection goes back. A healthy query is not slowed: the bound is a socket timeout, not a step.
 *
 * <p>While no connection could be had since the last failure (the database is known to be
 * unreachable), a caller waits only {@link #OUTAGE_WAIT}: it still asks the pool, so the first call
 * after recovery succeeds at once, but a stall answers in a fraction of a second instead of
 * holding a server thread for the whole budget. This is why there is no circuit breaker: a breaker
 * refuses without asking and so delays recovery until its next probe, and the budget plus this
 * shortened wait already bound what a stall costs (threads are bounded by {@code CallAdmission}).
 */
final class BoundedWaitDataSource implements DataSource {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(BoundedWaitDataSource.class);

  /** Left of a deadline for the UNAVAILABLE answer to reach the client before it gives up. */
  static final Duration ANSWER_MARGIN = Duration.ofMillis(100);
  /**
   * The least budget a connection gets, even past a deadline: cleanup run after a call expired
   * still gets a short try, and a round trip is never given a zero (= infinite) socket timeout.
   */
  static final Duration MIN_BUDGET = Duration.ofMillis(100);
  /** The wait for a connection while the database is known to be unreachable. */
  static final Duration OUTAGE_WAIT = Duration.ofMillis(250);
  /**
   * How long callers may wait with no connection handed out to anyone before the database counts as
   * stalled ({@link #stalled}). A pool that is merely busy hands out a connection every few
   * milliseconds; one whose every connection hangs in a round trip hands out none.
   */
  static final Duration STALL_SUSPICION = Duration.ofMillis(500);
  /** A pool flapping at its limit under load would otherwise log every flap. */
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final HikariDataSource pool;
  private final HikariPool hikariPool;
  private final Duration stallTimeout;
  /** Set when a wait for a connection failed, cleared by the next connection handed out. */
  private final AtomicBoolean unreachable = new AtomicBoolean();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  /** Callers waiting for a connection now, and since when the oldest stretch of waiting began. */
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong waitingSince = new AtomicLong();
  private final AtomicLong lastHandedOut = new AtomicLong(System.nanoTime());

  BoundedWaitDataSource(HikariDataSource pool, Duration stallTimeout) {
    this.pool = pool;
    // HikariDataSource only waits its fixed connectionTimeout; its pool (started by the
    // HikariDataSource(HikariConfig) constructor) takes a wait per call.
    if (!(pool.getHikariPoolMXBean() instanceof HikariPool started)) {
      throw new IllegalStateException("the HikariCP pool " + pool.getPoolName() + " is not started");
    }
    this.hikariPool = started;
    this.stallTimeout = stallTimeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long budget = budgetNanos();
    long wait = unreachable.get() ? Math.min(budget, OUTAGE_WAIT.toNanos()) : budget;
    long start = System.nanoTime();
    if (waiting.getAndIncrement() == 0) {
      waitingSince.set(start);
    }
    Connection connection;
    try {
      connection = hikariPool.getConnection(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
      lastHandedOut.set(System.nanoTime());
    } catch (SQLTransientConnectionException e) {
      if (unreachable.compareAndSet(false, true) && timeToWarn()) {
        log.warn("{}: no database connection within {} ms; until one is had, calls wait at most {} ms",
            pool.getPoolName(), TimeUnit.NANOSECONDS.toMillis(wait), OUTAGE_WAIT.toMillis());
      }
      throw e;
    } finally {
      waiting.decrementAndGet();
    }
    if (unreachable.get()) {
      unreachable.set(false);
    }
    long left = Math.max(MIN_BUDGET.toNanos(), budget - (System.nanoTime() - start));
    try {
      // pgjdbc ignores the executor: the timeout is the socket's read timeout.
      connection.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /**
   * Whether the database looks stalled or down: a wait for a connection failed since the last one
   * handed out, or callers have been waiting for {@link #STALL_SUSPICION} while no connection was
   * handed out. Lets a server that refuses calls for being full say why (the database, not the
   * client's load: UNAVAILABLE rather than RESOURCE_EXHAUSTED).
   */
  boolean stalled() {
    if (unreachable.get()) {
      return true;
    }
    if (waiting.get() == 0) {
      return false;
    }
    long now = System.nanoTime();
    long quietSince = Math.max(waitingSince.get(), lastHandedOut.get());
    return now - quietSince >= STALL_SUSPICION.toNanos();
  }

  /** Whether a connection was handed out within {@code window}. */
  boolean handedOutWithin(Duration window) {
    return System.nanoTime() - lastHandedOut.get() < window.toNanos();
  }

  private boolean timeToWarn() {
    long now = System.nanoTime();
    long last = lastWarning.get();
    return now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now);
  }

  /** The stall timeout, or less when the current gRPC call's deadline is nearer. */
  private long budgetNanos() {
    long budget = stallTimeout.toNanos();
    Deadline deadline = Context.current().getDeadline();
    if (deadline != null) {
      long beforeDeadline = deadline.timeRemaining(TimeUnit.NANOSECONDS) - ANSWER_MARGIN.toNanos();
      budget = Math.min(budget, beforeDeadline);
    }
    return Math.max(MIN_BUDGET.toNanos(), budget);
  }

  private static final Executor DIRECT = Runnable::run;

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool connects as its configured role only");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || pool.isWrapperFor(type);
  }
}
