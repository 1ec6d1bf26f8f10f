package com.whatsappclone.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows written straight into a test database and values read back with plain JDBC: the users and
 * conversations every service's tables refer to, whichever service would own them. A module's own
 * fixtures extend it with the rows only that module needs. A failed statement is an
 * {@link IllegalStateException} naming the SQL.
 */
public class SqlFixtures {

  /** Phone numbers are unique in users; one counter per JVM keeps them apart in every database. */
  private static final AtomicLong PHONE = new AtomicLong(15_550_000_000L);

  protected final TestDatabase db;

  public SqlFixtures(TestDatabase db) {
    this.db = db;
  }

  /** A users row with a fresh id and phone number. */
  public UUID newUser() {
    UUID id = UUID.randomUUID();
    update("INSERT INTO users (id, phone_number) VALUES (?, ?)", id, "+" + PHONE.incrementAndGet());
    return id;
  }

  /** A conversation with exactly these participants: a group when there are more than two. */
  public UUID conversation(UUID... participants) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO conversations (id, is_group) VALUES (?, ?)", id, participants.length > 2);
    for (UUID participant : participants) {
      addParticipant(id, participant);
    }
    return id;
  }

  public void addParticipant(UUID conversation, UUID user) {
    update("INSERT INTO conversation_participants (conversation_id, user_id) VALUES (?, ?)", conversation, user);
  }

  // ---- device sessions and push registrations (auth), live connections (realtime) -------------

  /** An active device session (a user_devices row) of the user, as VerifyOTP opens it. */
  public UUID deviceSession(UUID user) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO user_devices (id, user_id, refresh_token_hash, device_name, device_type,"
        + " last_login_at, last_used_at) VALUES (?, ?, ?, 'test device', 'mobile', now(), now())",
        id, user, UUID.randomUUID().toString().replace("-", ""));
    return id;
  }

  /** What auth's RegisterPushToken writes on the session. */
  public void registerPush(UUID session, String platform, String token, boolean apnsSandbox) {
    update("UPDATE user_devices SET push_notification_token = ?, push_platform = ?,"
        + " push_apns_sandbox = ?, push_registered_at = now() WHERE id = ?",
        token, platform, apnsSandbox, session);
  }

  /** What realtime writes while the session has a WebSocket open on a live instance. */
  public UUID connection(UUID user, UUID session) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO realtime_connections (connection_id, user_id, instance_id, connected_at,"
        + " heartbeat_at, session_id) VALUES (?, ?, ?, now(), now(), ?)",
        id, user, UUID.randomUUID(), session);
    return id;
  }

  // ---- what auth writes for issue 17, for the services that only read it ------------------------

  /** {@code contact}'s number is in {@code owner}'s address book, linked to the user. */
  public void addContact(UUID owner, UUID contact) {
    update("INSERT INTO contacts (user_id, contact_phone_number, contact_user_id)"
        + " SELECT ?, phone_number, id FROM users WHERE id = ?", owner, contact);
  }

  public void block(UUID blocker, UUID blocked) {
    update("INSERT INTO blocked_users (blocker_user_id, blocked_user_id) VALUES (?, ?)", blocker, blocked);
  }

  public void unblock(UUID blocker, UUID blocked) {
    update("DELETE FROM blocked_users WHERE blocker_user_id = ? AND blocked_user_id = ?", blocker, blocked);
  }

  /**
   * One of the user's privacy settings, the others as they are (or their defaults):
   * {@code setting} a column of {@code user_privacy_settings} ("last_seen", "statuses",
   * "read_receipts", ...), {@code value} what it takes ("nobody", false, ...).
   */
  public void privacy(UUID user, String setting, Object value) {
    if (!setting.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a column name: " + setting);
    }
    update("INSERT INTO user_privacy_settings (user_id, " + setting + ") VALUES (?, ?)"
        + " ON CONFLICT (user_id) DO UPDATE SET " + setting + " = EXCLUDED." + setting, user, value);
  }

  /** The single number a {@code SELECT count(*) ...} returns. */
  public long count(String sql, Object... parameters) {
    return Long.parseLong(strings(sql, parameters).get(0));
  }

  /** The first column of every row, as text. */
  public List<String> strings(String sql, Object... parameters) {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, parameters);
      List<String> values = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  /** The timestamp in the first column of the one row the query must find; empty where it is NULL. */
  public Optional<Instant> timestamp(String sql, Object... parameters) {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, parameters);
      try (ResultSet rows = s.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("no row for " + sql);
        }
        OffsetDateTime value = rows.getObject(1, OffsetDateTime.class);
        return Optional.ofNullable(value).map(OffsetDateTime::toInstant);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  public void update(String sql, Object... parameters) {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, parameters);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("update failed: " + sql, e);
    }
  }

  /** An instant as the JDBC driver writes a {@code timestamptz}. */
  public static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static void bind(PreparedStatement s, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      s.setObject(i + 1, parameters[i]);
    }
  }
}
