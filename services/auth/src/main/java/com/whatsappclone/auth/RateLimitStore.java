package com.whatsappclone.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * auth_rate_limits: the state of every {@link RateLimit}, shared by all auth instances.
 *
 * <p>Consuming is one atomic upsert: it starts a new window when the key has none or its window
 * ended, and otherwise takes one use if any is left. PostgreSQL locks the row for the upsert, so
 * concurrent calls (from any instance) never hand out more uses than the capacity.
 */
final class RateLimitStore {

  /** Outcome of a consume: allowed or not, and when the key's window ends. */
  record Decision(boolean allowed, Instant resetsAt) {}

  private final DataSource dataSource;

  RateLimitStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  Decision tryConsume(RateLimit limit, String key, Instant now) throws SQLException {
    return tryConsume(limit, key, 1, now);
  }

  /**
   * Takes {@code uses} at once, or none: refused when fewer are left in the key's window (more
   * than the capacity is always refused). Contact discovery takes one per new number of a page.
   */
  Decision tryConsume(RateLimit limit, String key, int uses, Instant now) throws SQLException {
    if (uses < 1) {
      throw new IllegalArgumentException("uses must be at least 1, got " + uses);
    }
    Instant newWindowEnd = now.plus(limit.period());
    if (uses > limit.capacity()) {
      try (Connection c = dataSource.getConnection()) {
        return new Decision(false, resetsAt(c, limit, key).orElse(newWindowEnd));
      }
    }
    String upsert = "INSERT INTO auth_rate_limits AS b (limit_name, bucket_key, remaining, resets_at) "
        + "VALUES (?, ?, ?, ?) "
        + "ON CONFLICT (limit_name, bucket_key) DO UPDATE SET "
        + "  remaining = CASE WHEN b.resets_at <= ? THEN EXCLUDED.remaining ELSE b.remaining - ? END, "
        + "  resets_at = CASE WHEN b.resets_at <= ? THEN EXCLUDED.resets_at ELSE b.resets_at END "
        + "WHERE b.resets_at <= ? OR b.remaining >= ? "
        + "RETURNING resets_at";
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s = c.prepareStatement(upsert)) {
        s.setString(1, limit.name());
        s.setString(2, key);
        s.setInt(3, limit.capacity() - uses);
        Sql.setInstant(s, 4, newWindowEnd);
        Sql.setInstant(s, 5, now);
        s.setInt(6, uses);
        Sql.setInstant(s, 7, now);
        Sql.setInstant(s, 8, now);
        s.setInt(9, uses);
        try (ResultSet row = s.executeQuery()) {
          if (row.next()) {
            return new Decision(true, Sql.instant(row, "resets_at"));
          }
        }
      }
      // Refused: the row exists with too little left in a window that has not ended.
      return new Decision(false, resetsAt(c, limit, key).orElse(newWindowEnd));
    }
  }

  /**
   * Gives back one use taken in the current window (a VerifyOTP that turned out not to be a
   * failed attempt). Never above the capacity, and never into a window that has ended.
   */
  void refund(RateLimit limit, String key, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      refund(c, limit, key, now);
    }
  }

  /** {@link #refund(RateLimit, String, Instant)} on {@code c}, in whatever transaction it has. */
  static void refund(Connection c, RateLimit limit, String key, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE auth_rate_limits SET remaining = LEAST(remaining + 1, ?) "
        + "WHERE limit_name = ? AND bucket_key = ? AND resets_at > ?")) {
      s.setInt(1, limit.capacity());
      s.setString(2, limit.name());
      s.setString(3, key);
      Sql.setInstant(s, 4, now);
      s.executeUpdate();
    }
  }

  /** Deletes the rows whose window ended before {@code now}; they would start afresh anyway. */
  int deleteExpired(Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM auth_rate_limits WHERE resets_at <= ?")) {
      Sql.setInstant(s, 1, now);
      return s.executeUpdate();
    }
  }

  private static Optional<Instant> resetsAt(Connection c, RateLimit limit, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT resets_at FROM auth_rate_limits WHERE limit_name = ? AND bucket_key = ?")) {
      s.setString(1, limit.name());
      s.setString(2, key);
      try (ResultSet row = s.executeQuery()) {
        return row.next() ? Optional.of(Sql.instant(row, "resets_at")) : Optional.empty();
      }
    }
  }
}
