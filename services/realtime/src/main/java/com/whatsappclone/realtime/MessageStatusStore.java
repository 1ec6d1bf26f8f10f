package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.db.Transactions;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@code messages} and {@code message_status} tables as realtime uses them: the messages a
 * user has not received yet (offline catch-up) and the delivery / read receipts. The message
 * worker creates one {@code message_status} row per recipient when it stores a message.
 */
final class MessageStatusStore {

  /** An ack sets delivered_at, a read receipt read_at (and delivered_at if unset). */
  enum ReceiptKind { DELIVERED, READ }

  /** One client's receipt: {@code userId} received (or read) the message. */
  record ReceiptRequest(ReceiptKind kind, UUID messageId, UUID conversationId, UUID userId) {
    RowKey key() {
      return new RowKey(messageId, userId);
    }
  }

  /** A message_status row. */
  private record RowKey(UUID messageId, UUID userId) {}

  /** A locked row as the batch sees it, receipt after receipt. */
  private static final class RowState {
    final RowKey key;
    final UUID conversationId;
    final String senderId;
    boolean delivered;
    boolean read;
    /** read_at is set by this batch */
    boolean readNow;
    boolean changed;

    RowState(RowKey key, UUID conversationId, String senderId, boolean delivered, boolean read) {
      this.key = key;
      this.conversationId = conversationId;
      this.senderId = senderId;
      this.delivered = delivered;
      this.read = read;
    }
  }

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

  // Locks the rows first, in key order (two batches, of two instances, never wait on each other
  // in a circle), and reads what the batch needs to decide each receipt: whether the row exists
  // in that conversation, its sender, what is already set. Missing keys are the NOT_FOUND ones.
  private static final String LOCK_STATES =
      "SELECT ms.message_id, ms.user_id, m.conversation_id, m.sender_id,"
      + " ms.delivered_at IS NOT NULL AS delivered, ms.read_at IS NOT NULL AS read"
      + " FROM message_status ms JOIN messages m ON m.id = ms.message_id"
      + " WHERE (ms.message_id, ms.user_id) IN (SELECT * FROM unnest(?::uuid[], ?::uuid[]))"
      + " ORDER BY ms.message_id, ms.user_id"
      + " FOR UPDATE OF ms";

  // One statement for every row the batch changed: each gets delivered_at if still unset, and
  // read_at if a read receipt of the batch applied to it.
  private static final String APPLY =
      "UPDATE message_status ms SET delivered_at = COALESCE(ms.delivered_at, ?),"
      + " read_at = CASE WHEN c.read THEN COALESCE(ms.read_at, ?) ELSE ms.read_at END"
      + " FROM unnest(?::uuid[], ?::uuid[], ?::boolean[]) AS c(message_id, user_id, read)"
      + " WHERE ms.message_id = c.message_id AND ms.user_id = c.user_id";

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

  /**
   * Applies the receipts in one transaction, as if one after the other in list order: an ack
   * sets delivered_at once (a second one changes nothing), a read receipt sets read_at once and
   * delivered_at too when no ack came before it. Every change is stamped {@code at}.
   *
   * @return one outcome per receipt, in the same order
   */
  List<Receipt> apply(List<ReceiptRequest> receipts, Instant at) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Map<RowKey, RowState> rows = lockStates(connection, receipts);
        List<Receipt> outcomes = new ArrayList<>(receipts.size());
        for (ReceiptRequest receipt : receipts) {
          outcomes.add(decide(receipt, rows.get(receipt.key())));
        }
        write(connection, rows.values(), at);
        connection.commit();
        return outcomes;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException("recording receipts", e);
    }
  }

  /** What one receipt changes, given what the receipts before it in the batch changed. */
  private static Receipt decide(ReceiptRequest receipt, RowState row) {
    if (row == null || !row.conversationId.equals(receipt.conversationId())) {
      return Receipt.MISSING;
    }
    if (receipt.kind() == ReceiptKind.DELIVERED) {
      if (row.delivered) {
        return Receipt.ALREADY;
      }
      row.delivered = true;
      row.changed = true;
      return new Receipt(Outcome.UPDATED, row.senderId, true);
    }
    if (row.read) {
      return Receipt.ALREADY;
    }
    boolean newlyDelivered = !row.delivered;
    row.delivered = true;
    row.read = true;
    row.readNow = true;
    row.changed = true;
    return new Receipt(Outcome.UPDATED, row.senderId, newlyDelivered);
  }

  private static Map<RowKey, RowState> lockStates(Connection connection, List<ReceiptRequest> receipts)
      throws SQLException {
    Set<RowKey> keys = new LinkedHashSet<>();
    for (ReceiptRequest receipt : receipts) {
      keys.add(receipt.key());
    }
    Map<RowKey, RowState> rows = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(LOCK_STATES)) {
      statement.setArray(1, connection.createArrayOf("uuid",
          keys.stream().map(RowKey::messageId).toArray(UUID[]::new)));
      statement.setArray(2, connection.createArrayOf("uuid",
          keys.stream().map(RowKey::userId).toArray(UUID[]::new)));
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          RowKey key = new RowKey(result.getObject(1, UUID.class), result.getObject(2, UUID.class));
          rows.put(key, new RowState(key, result.getObject(3, UUID.class), result.getString(4),
              result.getBoolean(5), result.getBoolean(6)));
        }
      }
    }
    return rows;
  }

  private static void write(Connection connection, Collection<RowState> rows, Instant at) throws SQLException {
    List<RowState> changed = rows.stream().filter(row -> row.changed).toList();
    if (changed.isEmpty()) {
      return;
    }
    OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
    try (PreparedStatement statement = connection.prepareStatement(APPLY)) {
      statement.setObject(1, when);
      statement.setObject(2, when);
      statement.setArray(3, connection.createArrayOf("uuid",
          changed.stream().map(row -> row.key.messageId()).toArray(UUID[]::new)));
      statement.setArray(4, connection.createArrayOf("uuid",
          changed.stream().map(row -> row.key.userId()).toArray(UUID[]::new)));
      statement.setArray(5, connection.createArrayOf("boolean",
          changed.stream().map(row -> row.readNow).toArray(Boolean[]::new)));
      statement.executeUpdate();
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
