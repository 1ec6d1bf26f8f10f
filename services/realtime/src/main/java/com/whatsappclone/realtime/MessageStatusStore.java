package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.realtime.NewMessage;
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
import javax.sql.DataSource;

/**
 * The {@code messages} and {@code message_status} tables as realtime uses them: the messages a
 * user has not received yet (offline catch-up) and the delivery / read receipts. The message
 * worker creates one {@code message_status} row per recipient when it stores a message.
 */
final class MessageStatusStore {

  /** What a receipt changed. */
  enum Outcome { UPDATED, ALREADY_DONE, NOT_FOUND }

  /**
   * @param senderId       whom to tell (set when UPDATED)
   * @param newlyDelivered a read receipt also set delivered_at (the ack never came)
   */
  record Receipt(Outcome outcome, String senderId, boolean newlyDelivered) {
    static final Receipt ALREADY = new Receipt(Outcome.ALREADY_DONE, null, false);
    static final Receipt MISSING = new Receipt(Outcome.NOT_FOUND, null, false);
  }

  private static final String UNDELIVERED_COLUMNS =
      "SELECT m.id, m.conversation_id, m.sender_id, m.content, m.media_url, m.media_type,"
      + " m.created_at, m.seq"
      + " FROM message_status ms JOIN messages m ON m.id = ms.message_id"
      + " WHERE ms.user_id = ? AND ms.delivered_at IS NULL";

  // Keyset paging on (created_at, id), the order messages were accepted in. The cursor is the
  // last message id sent; the database compares its own timestamps, no round trip through Java.
  private static final String AFTER_CURSOR =
      " AND (m.created_at, m.id) > (SELECT c.created_at, c.id FROM messages c WHERE c.id = ?)";
  private static final String ORDER = " ORDER BY m.created_at, m.id LIMIT ?";

  private static final String MARK_DELIVERED =
      "UPDATE message_status ms SET delivered_at = ?"
      + " FROM messages m"
      + " WHERE ms.message_id = ? AND ms.user_id = ? AND ms.delivered_at IS NULL"
      + " AND m.id = ms.message_id AND m.conversation_id = ?"
      + " RETURNING m.sender_id";

  // The CTE locks the row first, so a concurrent ack cannot slip between reading delivered_at
  // and writing it: newly_delivered is exact.
  private static final String MARK_READ =
      "WITH target AS ("
      + " SELECT ms.message_id, ms.user_id, ms.delivered_at IS NULL AS newly_delivered, m.sender_id"
      + " FROM message_status ms JOIN messages m ON m.id = ms.message_id"
      + " WHERE ms.message_id = ? AND ms.user_id = ? AND m.conversation_id = ? AND ms.read_at IS NULL"
      + " FOR UPDATE OF ms)"
      + " UPDATE message_status ms SET read_at = ?, delivered_at = COALESCE(ms.delivered_at, ?)"
      + " FROM target t WHERE ms.message_id = t.message_id AND ms.user_id = t.user_id"
      + " RETURNING t.sender_id, t.newly_delivered";

  private static final String STATUS_EXISTS =
      "SELECT 1 FROM message_status ms JOIN messages m ON m.id = ms.message_id"
      + " WHERE ms.message_id = ? AND ms.user_id = ? AND m.conversation_id = ?";

  private final DataSource dataSource;
  private final String firstPage;
  private final String nextPage;

  MessageStatusStore(DataSource dataSource) {
    this.dataSource = dataSource;
    this.firstPage = UNDELIVERED_COLUMNS + ORDER;
    this.nextPage = UNDELIVERED_COLUMNS + AFTER_CURSOR + ORDER;
  }

  /**
   * The user's undelivered messages in the order they were sent, one page.
   *
   * @param afterMessageId the last id of the previous page, or empty for the first page
   */
  List<NewMessage> undelivered(UUID userId, Optional<UUID> afterMessageId, int limit) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement =
             connection.prepareStatement(afterMessageId.isPresent() ? nextPage : firstPage)) {
      int i = 1;
      statement.setObject(i++, userId);
      if (afterMessageId.isPresent()) {
        statement.setObject(i++, afterMessageId.get());
      }
      statement.setInt(i, limit);
      List<NewMessage> messages = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          messages.add(NewMessage.newBuilder()
              .setMessageId(rows.getString("id"))
              .setConversationId(rows.getString("conversation_id"))
              .setSenderId(rows.getString("sender_id"))
              .setContent(nullToEmpty(rows.getString("content")))
              .setMediaUrl(nullToEmpty(rows.getString("media_url")))
              .setMediaType(nullToEmpty(rows.getString("media_type")))
              .setCreatedAt(Timestamps.format(
                  rows.getObject("created_at", OffsetDateTime.class).toInstant()))
              .setSeq(rows.getLong("seq"))
              .build());
        }
      }
      return messages;
    } catch (SQLException e) {
      throw new DatabaseException("reading undelivered messages", e);
    }
  }

  /** Sets delivered_at once; a second ack changes nothing. */
  Receipt markDelivered(UUID messageId, UUID conversationId, UUID userId, Instant at) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(MARK_DELIVERED)) {
        statement.setObject(1, at.atOffset(ZoneOffset.UTC));
        statement.setObject(2, messageId);
        statement.setObject(3, userId);
        statement.setObject(4, conversationId);
        try (ResultSet rows = statement.executeQuery()) {
          if (rows.next()) {
            return new Receipt(Outcome.UPDATED, rows.getString(1), true);
          }
        }
      }
      return exists(connection, messageId, userId, conversationId) ? Receipt.ALREADY : Receipt.MISSING;
    } catch (SQLException e) {
      throw new DatabaseException("recording a delivery", e);
    }
  }

  /** Sets read_at once, and delivered_at too when the ack never came. */
  Receipt markRead(UUID messageId, UUID conversationId, UUID userId, Instant at) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(MARK_READ)) {
        OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
        statement.setObject(1, messageId);
        statement.setObject(2, userId);
        statement.setObject(3, conversationId);
        statement.setObject(4, when);
        statement.setObject(5, when);
        try (ResultSet rows = statement.executeQuery()) {
          if (rows.next()) {
            return new Receipt(Outcome.UPDATED, rows.getString(1), rows.getBoolean(2));
          }
        }
      }
      return exists(connection, messageId, userId, conversationId) ? Receipt.ALREADY : Receipt.MISSING;
    } catch (SQLException e) {
      throw new DatabaseException("recording a read receipt", e);
    }
  }

  private static boolean exists(Connection connection, UUID messageId, UUID userId,
      UUID conversationId) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(STATUS_EXISTS)) {
      statement.setObject(1, messageId);
      statement.setObject(2, userId);
      statement.setObject(3, conversationId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
