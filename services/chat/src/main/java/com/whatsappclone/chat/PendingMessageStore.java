package com.whatsappclone.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The table {@code pending_messages}: one reservation per (conversation, client_message_id), so
 * that a resend gets the same message back on any chat instance. Chat makes the row at the first
 * send; the worker marks it stored (its {@code seq}) in the transaction that stores the message;
 * {@link ReservationCleanup} deletes it once it is older than the idempotency window.
 */
final class PendingMessageStore {

  /**
   * A reservation.
   *
   * @param message   with its seq once stored, 0 before
   * @param stored    the worker stored it
   * @param published Kafka acknowledged it (set only by chat versions before V51; now unknown)
   */
  record Pending(Message message, boolean stored, boolean published) {}

  private static final String RESERVE =
      "INSERT INTO pending_messages (conversation_id, client_message_id, message_id, sender_id,"
          + " content, media_url, media_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING RETURNING message_id";

  // Many sends' reservations in one statement; "bigint * interval" as in the worker's insert.
  private static final String RESERVE_ALL =
      "INSERT INTO pending_messages (conversation_id, client_message_id, message_id, sender_id,"
          + " content, media_url, media_type, created_at)"
          + " SELECT conversation_id, client_message_id, message_id, sender_id, content, media_url,"
          + " media_type, timestamptz 'epoch' + created_at_micros * interval '1 microsecond'"
          + " FROM unnest(?::uuid[], ?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[],"
          + " ?::bigint[]) AS t(conversation_id, client_message_id, message_id, sender_id, content,"
          + " media_url, media_type, created_at_micros)"
          + " ON CONFLICT DO NOTHING RETURNING message_id";

  /**
   * Rows go in key order, so that two batches with keys in common wait for each other in one
   * direction only (in opposite orders each would hold a key the other needs: a deadlock).
   */
  private static final Comparator<Message> KEY_ORDER = Comparator
      .comparing(Message::conversationId).thenComparing(Message::clientMessageId);

  private static final String FIND =
      "SELECT message_id, sender_id, content, media_url, media_type, created_at, published_at, stored_seq"
          + " FROM pending_messages WHERE conversation_id = ? AND client_message_id = ?";

  // In slices, so that a large backlog never holds many row locks or one long transaction.
  private static final String DELETE_OLDER =
      "DELETE FROM pending_messages WHERE ctid = ANY(ARRAY("
          + "SELECT ctid FROM pending_messages WHERE created_at < ? LIMIT ?))";

  private final DataSource dataSource;

  PendingMessageStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One statement, one commit.
   *
   * @return true when this call made the reservation, false when one existed already
   */
  boolean reserve(Message message) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RESERVE)) {
      ps.setObject(1, message.conversationId());
      ps.setString(2, message.clientMessageId());
      ps.setObject(3, message.id());
      ps.setObject(4, message.senderId());
      ps.setString(5, message.content());
      ps.setString(6, message.mediaUrl());
      ps.setString(7, message.mediaType());
      ps.setObject(8, OffsetDateTime.ofInstant(message.createdAt(), ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * The reservations of many sends, in one statement and one commit; of two with the same key
   * the first in the list is made.
   *
   * @return the ids of the messages whose reservation this call made
   */
  Set<UUID> reserveAll(List<Message> messages) throws SQLException {
    List<Message> sorted = new ArrayList<>(messages);
    sorted.sort(KEY_ORDER); // stable: the first of two with one key stays first
    int n = sorted.size();
    Object[][] columns = new Object[8][n];
    for (int i = 0; i < n; i++) {
      Message m = sorted.get(i);
      Object[] row = {m.conversationId(), m.clientMessageId(), m.id(), m.senderId(), m.content(),
          m.mediaUrl(), m.mediaType(), ChronoUnit.MICROS.between(Instant.EPOCH, m.createdAt())};
      for (int column = 0; column < row.length; column++) {
        columns[column][i] = row[column];
      }
    }
    String[] types = {"uuid", "text", "uuid", "uuid", "text", "text", "text", "bigint"};
    Set<UUID> made = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RESERVE_ALL)) {
      for (int column = 0; column < types.length; column++) {
        ps.setArray(column + 1, c.createArrayOf(types[column], columns[column]));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          made.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return made;
  }

  Optional<Pending> find(UUID conversationId, String clientMessageId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(FIND)) {
      ps.setObject(1, conversationId);
      ps.setString(2, clientMessageId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long storedSeq = rs.getLong("stored_seq");
        boolean stored = !rs.wasNull();
        Message message = new Message(rs.getObject("message_id", UUID.class), conversationId,
            rs.getObject("sender_id", UUID.class), rs.getString("content"),
            rs.getString("media_url"), rs.getString("media_type"), clientMessageId,
            rs.getObject("created_at", OffsetDateTime.class).toInstant(), stored ? storedSeq : 0);
        return Optional.of(new Pending(message, stored, rs.getObject("published_at") != null));
      }
    }
  }

  /** Deletes up to {@code limit} reservations made before {@code cutoff}; how many it deleted. */
  int deleteReservedBefore(Instant cutoff, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DELETE_OLDER)) {
      ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      ps.setInt(2, limit);
      return ps.executeUpdate();
    }
  }
}
