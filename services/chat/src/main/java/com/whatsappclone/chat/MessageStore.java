package com.whatsappclone.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads the {@code messages} table (the message worker writes it). */
final class MessageStore {

  private static final String COLUMNS = "id, conversation_id, sender_id, content, media_url,"
      + " media_type, client_message_id, created_at, seq";

  // Messages withheld from the reader (V65: in a one-to-one conversation, sent while the reader
  // had blocked the sender) are not theirs to see: a primary-key probe per row, on a table that
  // is empty for almost every reader.
  private static final String VISIBLE = " AND NOT EXISTS (SELECT 1 FROM withheld_messages w"
      + " WHERE w.user_id = ? AND w.conversation_id = m.conversation_id AND w.seq = m.seq)";

  private static final String SEQ_OF =
      "SELECT seq FROM messages m WHERE conversation_id = ? AND id = ?" + VISIBLE;

  // Served by the unique index (conversation_id, seq).
  private static final String NEWEST = "SELECT " + COLUMNS
      + " FROM messages m WHERE conversation_id = ?" + VISIBLE + " ORDER BY seq DESC LIMIT ?";

  private static final String NEWEST_BEFORE = "SELECT " + COLUMNS
      + " FROM messages m WHERE conversation_id = ? AND seq < ?" + VISIBLE + " ORDER BY seq DESC LIMIT ?";

  private final DataSource dataSource;

  MessageStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The seq of a message of this conversation; empty when there is no such message in it that
   * {@code reader} may see.
   */
  OptionalLong seqOf(UUID reader, UUID conversationId, UUID messageId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SEQ_OF)) {
      ps.setObject(1, conversationId);
      ps.setObject(2, messageId);
      ps.setObject(3, reader);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /**
   * Newest first, of what {@code reader} may see; only messages with a seq below
   * {@code beforeSeq} when it is given.
   */
  List<Message> newest(UUID reader, UUID conversationId, OptionalLong beforeSeq, int limit)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(beforeSeq.isPresent() ? NEWEST_BEFORE : NEWEST)) {
      int i = 1;
      ps.setObject(i++, conversationId);
      if (beforeSeq.isPresent()) {
        ps.setLong(i++, beforeSeq.getAsLong());
      }
      ps.setObject(i++, reader);
      ps.setInt(i, limit);
      return read(ps);
    }
  }

  private static List<Message> read(PreparedStatement ps) throws SQLException {
    List<Message> messages = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        messages.add(new Message(rs.getObject("id", UUID.class),
            rs.getObject("conversation_id", UUID.class), rs.getObject("sender_id", UUID.class),
            rs.getString("content"), rs.getString("media_url"), rs.getString("media_type"),
            rs.getString("client_message_id"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getLong("seq")));
      }
    }
    return messages;
  }
}
