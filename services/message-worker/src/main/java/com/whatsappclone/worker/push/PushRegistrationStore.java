package com.whatsappclone.worker.push;

import com.whatsappclone.common.db.DatabaseException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What push reads from the tables other services write: the push registrations auth keeps on
 * {@code user_devices} (V80), whether a session has a live WebSocket ({@code
 * realtime_connections.session_id}, written by realtime) and whether a message reached its
 * recipient ({@code message_status.delivered_at}). The one write: clearing a token the provider
 * reported dead.
 */
final class PushRegistrationStore {

  /** A session that can be pushed to, and whether one of realtime's instances holds it now. */
  record Registration(PushTarget target, boolean connected) {}

  /** One recipient of one message. */
  record Delivery(UUID messageId, UUID userId) {}

  private static final String REGISTRATIONS =
      "SELECT d.id, d.user_id, d.push_platform, d.push_notification_token, d.push_apns_topic,"
      + " d.push_apns_sandbox,"
      + " EXISTS (SELECT 1 FROM realtime_connections c"
      + "   WHERE c.session_id = d.id AND c.heartbeat_at > ?) AS connected"
      + " FROM user_devices d"
      + " WHERE d.user_id = ANY (?) AND d.revoked_at IS NULL"
      + " AND d.push_notification_token IS NOT NULL AND d.push_platform IS NOT NULL";
  private static final String UNDELIVERED =
      "SELECT s.message_id, s.user_id FROM message_status s"
      + " JOIN unnest(?::uuid[], ?::uuid[]) AS w(message_id, user_id)"
      + "   ON s.message_id = w.message_id AND s.user_id = w.user_id"
      + " WHERE s.delivered_at IS NULL";
  // Only while the session still holds this token: a token registered again meanwhile stays.
  private static final String FORGET_TOKEN =
      "UPDATE user_devices SET push_notification_token = NULL, push_platform = NULL,"
      + " push_apns_topic = NULL, push_apns_sandbox = false, push_registered_at = NULL"
      + " WHERE id = ? AND push_notification_token = ?";

  private static final String STILL_REGISTERED =
      "SELECT EXISTS (SELECT 1 FROM user_devices"
      + " WHERE id = ? AND push_notification_token = ? AND revoked_at IS NULL)";

  private final DataSource dataSource;

  PushRegistrationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The active, registered sessions of these users, in one query.
   *
   * @param liveAfter connections whose instance's heartbeat is older belong to a dead instance
   */
  List<Registration> registrations(Collection<UUID> users, Instant liveAfter) {
    if (users.isEmpty()) {
      return List.of();
    }
    try (Connection connection = dataSource.getConnection();
         PreparedStatement query = connection.prepareStatement(REGISTRATIONS)) {
      query.setObject(1, liveAfter.atOffset(ZoneOffset.UTC));
      Array ids = connection.createArrayOf("uuid", users.toArray());
      query.setArray(2, ids);
      List<Registration> found = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          Optional<PushPlatform> platform = PushPlatform.fromColumn(rows.getString(3));
          if (platform.isEmpty()) {
            continue; // the column's CHECK allows only known platforms; a newer one is not ours
          }
          PushTarget target = new PushTarget(rows.getObject(1, UUID.class),
              rows.getObject(2, UUID.class), platform.get(), rows.getString(4),
              Optional.ofNullable(rows.getString(5)), rows.getBoolean(6));
          found.add(new Registration(target, rows.getBoolean(7)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw new DatabaseException("reading push registrations", e);
    }
  }

  /** Those of these deliveries whose recipient has not acknowledged the message yet. */
  Set<Delivery> undelivered(Collection<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return Set.of();
    }
    try (Connection connection = dataSource.getConnection();
         PreparedStatement query = connection.prepareStatement(UNDELIVERED)) {
      query.setArray(1, connection.createArrayOf("uuid",
          deliveries.stream().map(Delivery::messageId).toArray()));
      query.setArray(2, connection.createArrayOf("uuid",
          deliveries.stream().map(Delivery::userId).toArray()));
      Set<Delivery> found = new HashSet<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(new Delivery(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw new DatabaseException("reading undelivered messages for push", e);
    }
  }

  /** Whether the session is still signed in and still registered with this token. */
  boolean stillRegistered(PushTarget target) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement query = connection.prepareStatement(STILL_REGISTERED)) {
      query.setObject(1, target.sessionId());
      query.setString(2, target.token());
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new DatabaseException("re-checking a push registration", e);
    }
  }

  /** @return whether the session still held the token (and no longer does) */
  boolean forgetToken(PushTarget target) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement update = connection.prepareStatement(FORGET_TOKEN)) {
      update.setObject(1, target.sessionId());
      update.setString(2, target.token());
      return update.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new DatabaseException("forgetting a dead push token", e);
    }
  }
}
