package com.whatsappclone.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The push registration columns of user_devices (V80): the original's push_notification_token,
 * which holds the provider's token, and push_platform, push_apns_topic, push_apns_sandbox,
 * push_registered_at. Auth writes them; the message worker reads them and clears a token its
 * provider reports dead.
 */
final class PushRegistrationStore {

  /** The SET list that leaves a session without a push registration (revocations use it too). */
  static final String CLEAR = "push_notification_token = NULL, push_platform = NULL, push_apns_topic = NULL, "
      + "push_apns_sandbox = false, push_registered_at = NULL";

  /**
   * One statement: the caller's active session gets the token, and only if it did, any other
   * session holding the same token loses it (a token belongs to one device: the app was
   * reinstalled, or someone else signed in on the phone). The sub-statements share one snapshot
   * and touch different rows.
   */
  private static final String REGISTER = "WITH registered AS ("
      + "UPDATE user_devices SET push_notification_token = ?, push_platform = ?, push_apns_topic = ?, "
      + "push_apns_sandbox = ?, push_registered_at = ? "
      + "WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING " + DeviceSessionStore.COLUMNS + "), "
      + "moved AS (UPDATE user_devices SET " + CLEAR + " "
      + "WHERE push_notification_token = ? AND id <> ? AND EXISTS (SELECT 1 FROM registered) RETURNING id) "
      + "SELECT registered.*, (SELECT count(*) FROM moved) AS moved_from FROM registered";

  private final DataSource dataSource;

  PushRegistrationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The session as registered, and how many other sessions had the token. */
  record Registered(DeviceSession session, long movedFrom) {}

  /** Empty when {@code sessionId} is not an active session of the user (nothing changed then). */
  Optional<Registered> register(UUID userId, UUID sessionId, PushTokenRegistration registration, Instant now)
      throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(REGISTER)) {
      s.setString(1, registration.token());
      s.setString(2, registration.platform().column());
      s.setString(3, registration.apnsTopic().orElse(null));
      s.setBoolean(4, registration.apnsSandbox());
      Sql.setInstant(s, 5, now);
      s.setObject(6, sessionId);
      s.setObject(7, userId);
      s.setString(8, registration.token());
      s.setObject(9, sessionId);
      try (ResultSet row = s.executeQuery()) {
        return row.next()
            ? Optional.of(new Registered(DeviceSessionStore.session(row), row.getLong("moved_from")))
            : Optional.empty();
      }
    }
  }

  /** What {@link #remove} found. */
  enum Removal {
    /** The session had a token; it has none now. */
    REMOVED,
    /** The session is active and had no token. */
    NONE,
    /** No active session of the user has that id. */
    NOT_ACTIVE
  }

  Removal remove(UUID userId, UUID sessionId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s = c.prepareStatement("UPDATE user_devices SET " + CLEAR
          + " WHERE id = ? AND user_id = ? AND revoked_at IS NULL AND push_notification_token IS NOT NULL")) {
        s.setObject(1, sessionId);
        s.setObject(2, userId);
        if (s.executeUpdate() == 1) {
          return Removal.REMOVED;
        }
      }
      // Nothing to remove: tell an active session that had none from one that is gone.
      try (PreparedStatement s = c.prepareStatement(
          "SELECT 1 FROM user_devices WHERE id = ? AND user_id = ? AND revoked_at IS NULL")) {
        s.setObject(1, sessionId);
        s.setObject(2, userId);
        try (ResultSet row = s.executeQuery()) {
          return row.next() ? Removal.NONE : Removal.NOT_ACTIVE;
        }
      }
    }
  }
}
