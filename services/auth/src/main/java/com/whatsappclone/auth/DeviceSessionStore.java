package com.whatsappclone.auth;

import com.whatsappclone.common.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * user_devices: one row per device session. Only SHA-256 hashes of refresh tokens are stored.
 * Its push registration is {@link PushRegistrationStore}'s, but every revocation here clears it.
 *
 * <p>Every state change is one conditional UPDATE, so concurrent calls on one session cannot both
 * win: the second one's WHERE is re-checked against the row the first one left (READ COMMITTED).
 */
final class DeviceSessionStore {

  /** Why a session ended (user_devices.revoked_reason). */
  enum RevokeReason {
    LOGOUT("logout"),
    LOGOUT_ALL("logout_all"),
    REVOKED("revoked"),
    TOKEN_REUSE("token_reuse"),
    SESSION_LIMIT("session_limit");

    final String value;

    RevokeReason(String value) {
      this.value = value;
    }
  }

  /** What became of a refresh token presented for rotation or revocation. */
  enum TokenOutcome {
    /** It was the current token of an active session, and the change was made. */
    APPLIED,
    /** It was the current token of a session that is already revoked. */
    ALREADY_REVOKED,
    /** It had been rotated away already: the session it belonged to is now revoked. */
    REUSE_DETECTED,
    /** No session knows it. */
    UNKNOWN
  }

  /** The outcome and, when a session was found, its id. */
  record TokenResult(TokenOutcome outcome, UUID sessionId) {}

  /** A new session, whose it is, and the older ones the session limit revoked to make room. */
  record OpenedSession<T extends SessionOwner>(UUID sessionId, T owner, List<UUID> revokedForLimit) {}

  /** What {@link #session} reads. */
  static final String COLUMNS = "id, user_id, device_name, device_type, last_login_at, last_used_at, "
      + "access_token_jti, push_notification_token IS NOT NULL AS has_push, push_platform, push_apns_topic, "
      + "push_apns_sandbox, push_registered_at";
  /**
   * What every revocation sets: the reason, and no push registration any more, in the same
   * statement, so that a signed-out device is never pushed to (and its token can move elsewhere).
   */
  private static final String REVOKE = "revoked_at = ?, revoked_reason = ?, " + PushRegistrationStore.CLEAR;
  /** When a session was last used; rows written before V10 have no last_used_at. */
  private static final String LAST_USED = "COALESCE(last_used_at, last_login_at, created_at)";

  private final DataSource dataSource;

  DeviceSessionStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Whose a new session is and its tokens, as {@link #open} records them. */
  interface SessionOwner {
    UUID userId();

    String refreshTokenHash();

    UUID accessTokenJti();
  }

  /** Finds (or creates) the session's owner, in the session's own transaction. */
  @FunctionalInterface
  interface OwnerInTransaction<T extends SessionOwner> {
    T find(Connection c) throws SQLException;
  }

  /**
   * Records a new session and then revokes the user's least recently used active sessions beyond
   * {@code maxActive}, in one transaction that {@code owner} opens: whatever it writes (the
   * sign-in's user and rate-limit refund) commits with the session, or not at all, and a
   * sign-in is one round trip fewer. The user's row is then locked for the transaction (FOR NO
   * KEY UPDATE, which foreign-key checks elsewhere don't wait for), so concurrent logins of one
   * user cannot both squeeze in under the limit.
   */
  <T extends SessionOwner> OpenedSession<T> open(UUID sessionId, String deviceName, DeviceType type,
      int maxActive, Instant now, OwnerInTransaction<T> owner) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T found = owner.find(c);
        UUID userId = found.userId();
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM users WHERE id = ? FOR NO KEY UPDATE")) {
          s.setObject(1, userId);
          try (ResultSet row = s.executeQuery()) {
            if (!row.next()) {
              throw new SQLException("no users row for the session's user");
            }
          }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO user_devices (id, user_id, refresh_token_hash, "
            + "device_name, device_type, last_login_at, last_used_at, access_token_jti, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          s.setObject(1, sessionId);
          s.setObject(2, userId);
          s.setString(3, found.refreshTokenHash());
          s.setString(4, deviceName);
          s.setString(5, type.value());
          Sql.setInstant(s, 6, now);
          Sql.setInstant(s, 7, now);
          s.setObject(8, found.accessTokenJti());
          Sql.setInstant(s, 9, now);
          s.executeUpdate();
        }
        List<UUID> revoked;
        try (PreparedStatement s = c.prepareStatement("UPDATE user_devices SET " + REVOKE + " "
            + "WHERE id IN (SELECT id FROM user_devices WHERE user_id = ? AND revoked_at IS NULL "
            + "ORDER BY " + LAST_USED + " DESC, created_at DESC, id DESC OFFSET ?) RETURNING id")) {
          Sql.setInstant(s, 1, now);
          s.setString(2, RevokeReason.SESSION_LIMIT.value);
          s.setObject(3, userId);
          s.setInt(4, maxActive);
          revoked = ids(s);
        }
        c.commit();
        return new OpenedSession<>(sessionId, found, revoked);
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  /** The active session whose current refresh token hash is {@code hash}, if any. */
  Optional<UUID> currentSession(UUID userId, String hash) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT id FROM user_devices "
            + "WHERE user_id = ? AND refresh_token_hash = ? AND revoked_at IS NULL")) {
      s.setObject(1, userId);
      s.setString(2, hash);
      try (ResultSet row = s.executeQuery()) {
        return row.next() ? Optional.of(Sql.uuid(row, "id")) : Optional.empty();
      }
    }
  }

  /** A refresh token rotation: {@code oldHash} is replaced by {@code newHash} if still current. */
  record Rotation(UUID sessionId, UUID userId, String oldHash, String newHash, UUID accessTokenJti, Instant at) {}

  private static final String ROTATE = "UPDATE user_devices SET previous_refresh_token_hash = refresh_token_hash, "
      + "refresh_token_hash = ?, access_token_jti = ?, last_used_at = ? "
      + "WHERE id = ? AND user_id = ? AND refresh_token_hash = ? AND revoked_at IS NULL RETURNING id";

  // The same rule for many rotations in one statement. Two rotations of one session in a batch
  // (the same token sent twice at once) join the same row: PostgreSQL updates it once, with one of
  // them, and returns only that one's ordinal; the other is not applied, as if it had come second.
  private static final String ROTATE_ALL = "UPDATE user_devices d SET previous_refresh_token_hash = d.refresh_token_hash, "
      + "refresh_token_hash = t.new_hash, access_token_jti = t.jti, "
      + "last_used_at = timestamptz 'epoch' + t.at_micros * interval '1 microsecond' "
      + "FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::bigint[]) WITH ORDINALITY "
      + "AS t(id, user_id, old_hash, new_hash, jti, at_micros, n) "
      + "WHERE d.id = t.id AND d.user_id = t.user_id AND d.refresh_token_hash = t.old_hash AND d.revoked_at IS NULL "
      + "RETURNING t.n";

  /**
   * Replaces the current refresh token hash of the rotation's session (named by the token, or
   * found by {@link #currentSession}) by the new one, keeping the old one as the previous hash.
   * False when it is no longer current (a concurrent rotation won, or a revocation): then
   * {@link #notCurrent} tells why, and a token rotated already revokes its session (reuse detection).
   */
  boolean rotate(Rotation rotation) throws SQLException {
    return updateReturningId(ROTATE, s -> {
      s.setString(1, rotation.newHash());
      s.setObject(2, rotation.accessTokenJti());
      Sql.setInstant(s, 3, rotation.at());
      s.setObject(4, rotation.sessionId());
      s.setObject(5, rotation.userId());
      s.setString(6, rotation.oldHash());
    }).isPresent();
  }

  /**
   * {@link #rotate} for many rotations in one statement (one commit), in session id order so that
   * two batches lock shared rows in the same order.
   *
   * @return for each rotation, in the order given, whether it was applied
   */
  List<Boolean> rotateAll(List<Rotation> rotations) throws SQLException {
    int n = rotations.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> rotations.get(i).sessionId()));
    Object[][] columns = new Object[6][n];
    for (int row = 0; row < n; row++) {
      Rotation r = rotations.get(order[row]);
      Object[] values = {r.sessionId(), r.userId(), r.oldHash(), r.newHash(), r.accessTokenJti(),
          ChronoUnit.MICROS.between(Instant.EPOCH, r.at())};
      for (int column = 0; column < values.length; column++) {
        columns[column][row] = values[column];
      }
    }
    String[] types = {"uuid", "uuid", "text", "text", "uuid", "bigint"};
    Boolean[] applied = new Boolean[n];
    Arrays.fill(applied, false);
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ROTATE_ALL)) {
      for (int column = 0; column < types.length; column++) {
        s.setArray(column + 1, c.createArrayOf(types[column], columns[column]));
      }
      try (ResultSet row = s.executeQuery()) {
        while (row.next()) {
          applied[order[(int) row.getLong(1) - 1]] = true;
        }
      }
    }
    return Arrays.asList(applied);
  }

  /** Revokes the session whose current refresh token hash is {@code hash} (RevokeCurrentDevice). */
  TokenResult revokeByToken(UUID userId, String hash, Instant now) throws SQLException {
    Optional<UUID> revoked = updateReturningId("UPDATE user_devices SET " + REVOKE + " "
        + "WHERE user_id = ? AND refresh_token_hash = ? AND revoked_at IS NULL RETURNING id", s -> {
          Sql.setInstant(s, 1, now);
          s.setString(2, RevokeReason.LOGOUT.value);
          s.setObject(3, userId);
          s.setString(4, hash);
        });
    if (revoked.isPresent()) {
      return new TokenResult(TokenOutcome.APPLIED, revoked.get());
    }
    return notCurrent(userId, hash, now);
  }

  /** Why {@code hash} is not the current token of an active session; revokes on reuse. */
  TokenResult notCurrent(UUID userId, String hash, Instant now) throws SQLException {
    Optional<UUID> reused = updateReturningId("UPDATE user_devices SET " + REVOKE + " "
        + "WHERE user_id = ? AND previous_refresh_token_hash = ? AND revoked_at IS NULL RETURNING id", s -> {
          Sql.setInstant(s, 1, now);
          s.setString(2, RevokeReason.TOKEN_REUSE.value);
          s.setObject(3, userId);
          s.setString(4, hash);
        });
    if (reused.isPresent()) {
      return new TokenResult(TokenOutcome.REUSE_DETECTED, reused.get());
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT id FROM user_devices WHERE user_id = ? "
            + "AND (refresh_token_hash = ? OR previous_refresh_token_hash = ?) LIMIT 1")) {
      s.setObject(1, userId);
      s.setString(2, hash);
      s.setString(3, hash);
      try (ResultSet row = s.executeQuery()) {
        return row.next()
            ? new TokenResult(TokenOutcome.ALREADY_REVOKED, Sql.uuid(row, "id"))
            : new TokenResult(TokenOutcome.UNKNOWN, null);
      }
    }
  }

  /** Revokes every active session of the user; returns their ids. */
  List<UUID> revokeAll(UUID userId, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE user_devices SET " + REVOKE + " "
            + "WHERE user_id = ? AND revoked_at IS NULL RETURNING id")) {
      Sql.setInstant(s, 1, now);
      s.setString(2, RevokeReason.LOGOUT_ALL.value);
      s.setObject(3, userId);
      return ids(s);
    }
  }

  /** Revokes one active session of the user; false when the user has no such active session. */
  boolean revokeById(UUID userId, UUID sessionId, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE user_devices SET " + REVOKE + " "
            + "WHERE id = ? AND user_id = ? AND revoked_at IS NULL")) {
      Sql.setInstant(s, 1, now);
      s.setString(2, RevokeReason.REVOKED.value);
      s.setObject(3, sessionId);
      s.setObject(4, userId);
      return s.executeUpdate() == 1;
    }
  }

  /** The user's active sessions, most recently used first. */
  List<DeviceSession> listActive(UUID userId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM user_devices "
            + "WHERE user_id = ? AND revoked_at IS NULL ORDER BY " + LAST_USED + " DESC, created_at DESC, id DESC")) {
      s.setObject(1, userId);
      try (ResultSet row = s.executeQuery()) {
        List<DeviceSession> sessions = new ArrayList<>();
        while (row.next()) {
          sessions.add(session(row));
        }
        return sessions;
      }
    }
  }

  /** A row read with {@link #COLUMNS}. */
  static DeviceSession session(ResultSet row) throws SQLException {
    Instant lastLogin = Sql.instant(row, "last_login_at");
    Instant lastUsed = Sql.instant(row, "last_used_at");
    return new DeviceSession(
        Sql.uuid(row, "id"),
        Sql.uuid(row, "user_id"),
        row.getString("device_name") == null ? "" : row.getString("device_name"),
        DeviceType.fromStored(row.getString("device_type")),
        lastLogin,
        lastUsed == null ? lastLogin : lastUsed,
        Sql.uuid(row, "access_token_jti"),
        push(row));
  }

  /**
   * The registration, when the row has a token and a platform this code knows. A token without
   * platform (the original's column, if anything ever wrote it) is not shown: nothing pushes to it.
   */
  private static Optional<DevicePush> push(ResultSet row) throws SQLException {
    Optional<DevicePush.Platform> platform = DevicePush.Platform.fromColumn(row.getString("push_platform"));
    Instant registeredAt = Sql.instant(row, "push_registered_at");
    if (!row.getBoolean("has_push") || platform.isEmpty() || registeredAt == null) {
      return Optional.empty();
    }
    return Optional.of(new DevicePush(platform.get(), Optional.ofNullable(row.getString("push_apns_topic")),
        row.getBoolean("push_apns_sandbox"), registeredAt));
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private static List<UUID> ids(PreparedStatement statement) throws SQLException {
    try (ResultSet row = statement.executeQuery()) {
      List<UUID> ids = new ArrayList<>();
      while (row.next()) {
        ids.add(Sql.uuid(row, "id"));
      }
      return ids;
    }
  }

  private Optional<UUID> updateReturningId(String sql, Binder binder) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet row = s.executeQuery()) {
        return row.next() ? Optional.of(Sql.uuid(row, "id")) : Optional.empty();
      }
    }
  }
}
