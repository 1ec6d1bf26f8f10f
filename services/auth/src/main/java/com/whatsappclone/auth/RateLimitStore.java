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
    Instant newWindowEnd = now.plus(limit.period());
    String upsert = "INSERT INTO auth_rate_limits AS b (limit_name, bucket_key, remaining, resets_at) "
        + "VALUES (?, ?, ?, ?) "
        + "ON CONFLICT (limit_name, bucket_key) DO UPDATE SET "
        + "  remaining = CASE WHEN b.resets_at <= ? THEN EXCLUDED.remaining ELSE b.remaining - 1 END, "
        + "  resets_at = CASE WHEN b.resets_at <= ? THEN EXCLUDED.resets_at ELSE b.resets_at END "
        + "WHERE b.resets_at <= ? OR b.remaining > 0 "
        + "RETURNING resets_at";
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s = c.prepareStatement(upsert)) {
        s.setString(1, limit.name());
        s.setString(2, key);
        s.setInt(3, limit.capacity() - 1);
        Sql.setInstant(s, 4, newWindowEnd);
        Sql.setInstant(s, 5, now);
        Sql.setInstant(s, 6, now);
        Sql.setInstant(s, 7, now);
        try (ResultSet row = s.executeQuery()) {
          if (row.next()) {
            return new Decision(true, Sql.instant(row, "resets_at"));
          }
        }
      }
      // Refused: the row exists with nothing left in a window that has not ended.
      return new Decision(false, resetsAt(c, limit, key).orElse(newWindowEnd));
    }
  }

  /**
   * Gives back one use taken in the current window (a VerifyOTP that turned out not to be a
   * failed attempt). Never above the capacity, and never into a window that has ended.
   */
  void refund(RateLimit limit, String key, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE auth_rate_limits SET remaining = LEAST(remaining + 1, ?) "
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
