package com.whatsappclone.status;

import com.whatsappclone.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users, conversations and blocks written straight into the test database: the chat service that
 * will own conversations is built separately, so the status tests do not depend on its code.
 */
final class Fixtures {

  private static final AtomicLong PHONE = new AtomicLong(15_550_000_000L);

  private final TestDatabase db;

  Fixtures(TestDatabase db) {
    this.db = db;
  }

  UUID newUser() {
    UUID id = UUID.randomUUID();
    update("INSERT INTO users (id, phone_number) VALUES (?, ?)", id, "+" + PHONE.incrementAndGet());
    return id;
  }

  /** A conversation (one-to-one or group) with exactly these participants. */
  UUID conversation(UUID... participants) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO conversations (id, is_group) VALUES (?, ?)", id, participants.length > 2);
    for (UUID participant : participants) {
      update("INSERT INTO conversation_participants (conversation_id, user_id) VALUES (?, ?)", id, participant);
    }
    return id;
  }

  void block(UUID blocker, UUID blocked) {
    update("INSERT INTO blocked_users (blocker_user_id, blocked_user_id) VALUES (?, ?)", blocker, blocked);
  }

  /** A status row written directly, for expiry and cleanup cases the API cannot create. */
  UUID status(UUID author, Instant createdAt, Instant expiresAt) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO status_updates (id, user_id, content_type, content_or_url, created_at, expires_at)"
        + " VALUES (?, ?, 'text', 'hello', ?, ?)", id, author, utc(createdAt), utc(expiresAt));
    return id;
  }

  void view(UUID statusId, UUID viewer, Instant viewedAt) {
    update("INSERT INTO status_views (status_id, user_id, viewed_at) VALUES (?, ?, ?)",
        statusId, viewer, utc(viewedAt));
  }

  long count(String sql, Object... parameters) {
    return Long.parseLong(strings(sql, parameters).get(0));
  }

  List<String> strings(String sql, Object... parameters) {
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

  private void update(String sql, Object... parameters) {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, parameters);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("update failed: " + sql, e);
    }
  }

  private static void bind(PreparedStatement s, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      s.setObject(i + 1, parameters[i]);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
