package com.whatsappclone.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The table {@code pending_messages}: one reservation per (conversation, client_message_id) that
 * chat accepted but the worker has not stored yet, so that a resend gets the same message back on
 * any chat instance. The worker deletes the row when it stores the message.
 */
final class PendingMessageStore {

  /** A reservation; {@code published} once Kafka acknowledged its message. */
  record Pending(Message message, boolean published) {}

  private static final String RESERVE =
      "INSERT INTO pending_messages (conversation_id, client_message_id, message_id, sender_id,"
          + " content, media_url, media_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING RETURNING message_id";

  private static final String FIND =
      "SELECT message_id, sender_id, content, media_url, media_type, created_at, published_at"
          + " FROM pending_messages WHERE conversation_id = ? AND client_message_id = ?";

  private static final String MARK_PUBLISHED =
      "UPDATE pending_messages SET published_at = ?"
          + " WHERE conversation_id = ? AND client_message_id = ? AND message_id = ?";

  private static final String DELETE =
      "DELETE FROM pending_messages"
          + " WHERE conversation_id = ? AND client_message_id = ? AND message_id = ?";

  private final DataSource dataSource;

  PendingMessageStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** @return true when this call made the reservation, false when one existed already */
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

  Optional<Pending> find(UUID conversationId, String clientMessageId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(FIND)) {
      ps.setObject(1, conversationId);
      ps.setString(2, clientMessageId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Message message = new Message(rs.getObject("message_id", UUID.class), conversationId,
            rs.getObject("sender_id", UUID.class), rs.getString("content"),
            rs.getString("media_url"), rs.getString("media_type"), clientMessageId,
            rs.getObject("created_at", OffsetDateTime.class).toInstant(), 0);
        return Optional.of(new Pending(message, rs.getObject("published_at") != null));
      }
    }
  }

  void markPublished(Message message, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(MARK_PUBLISHED)) {
      ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.setObject(2, message.conversationId());
      ps.setString(3, message.clientMessageId());
      ps.setObject(4, message.id());
      ps.executeUpdate();
    }
  }

  void delete(Message message) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DELETE)) {
      ps.setObject(1, message.conversationId());
      ps.setString(2, message.clientMessageId());
      ps.setObject(3, message.id());
      ps.executeUpdate();
    }
  }
}
