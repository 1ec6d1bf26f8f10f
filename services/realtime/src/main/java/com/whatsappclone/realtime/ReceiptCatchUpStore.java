package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The receipt catch-up ({@code realtime_receipt_cursors}, V52, and {@code message_status}): where
 * each device stands in the delivered / read state of its user's own messages, and what changed
 * since.
 */
final class ReceiptCatchUpStore {

  /** A recipient's delivered / read state of one of the user's messages, as it is now. */
  record ReceiptState(UUID messageId, UUID conversationId, UUID recipientId, Instant changedAt,
      Optional<Instant> deliveredAt, Optional<Instant> readAt) {}

  private static final String SYNCED_AT =
      "SELECT synced_at FROM realtime_receipt_cursors WHERE session_id = ?";
  // Many devices' cursors in one statement, one row per session (a statement may not change a row
  // twice), in session order so that two batches wait for each other in one direction only.
  private static final String RECORD_MANY =
      "INSERT INTO realtime_receipt_cursors (session_id, user_id, synced_at)"
      + " SELECT session_id, user_id, timestamptz 'epoch' + synced_micros * interval '1 microsecond'"
      + " FROM unnest(?::uuid[], ?::uuid[], ?::bigint[]) AS t(session_id, user_id, synced_micros) ORDER BY 1"
      + " ON CONFLICT (session_id) DO UPDATE SET synced_at = GREATEST(realtime_receipt_cursors.synced_at, EXCLUDED.synced_at)";
  private static final String RECORD_ALL =
      "UPDATE realtime_receipt_cursors SET synced_at = ? WHERE session_id = ANY (?) AND synced_at < ?";
  private static final String FORGET_OLDER = "DELETE FROM realtime_receipt_cursors WHERE synced_at < ?";

  // The user's own messages of the window come from messages_sender_id_created_at_idx (V81; the
  // (conversation_id, created_at) index alone walked everyone's messages of the user's
  // conversations); the join with conversation_participants keeps it to the user's conversations.
  // The window bounds the scan: a receipt of an older message is still sent live.
  private static final String CHANGES =
      "SELECT ms.message_id, m.conversation_id, ms.user_id, ms.delivered_at, ms.read_at,"
      + " GREATEST(ms.delivered_at, ms.read_at) AS changed_at"
      + " FROM conversation_participants cp"
      + " JOIN messages m ON m.conversation_id = cp.conversation_id AND m.created_at > ? AND m.sender_id = ?"
      + " JOIN message_status ms ON ms.message_id = m.id"
      + " WHERE cp.user_id = ? AND GREATEST(ms.delivered_at, ms.read_at) > ?";
  private static final String AFTER =
      " AND (GREATEST(ms.delivered_at, ms.read_at), ms.message_id, ms.user_id) > (?, ?, ?)";
  private static final String ORDER = " ORDER BY changed_at, ms.message_id, ms.user_id LIMIT ?";

  private final DataSource dataSource;

  ReceiptCatchUpStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** When the device's receipts were last known to be current; empty for a device never seen. */
  Optional<Instant> syncedAt(UUID sessionId) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(SYNCED_AT)) {
      statement.setObject(1, sessionId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DatabaseException("reading a device's receipt cursor", e);
    }
  }

  /** One device's cursor to move ({@link #recordMany}). */
  record Cursor(UUID sessionId, UUID userId, Instant at) {}

  /**
   * Moves many devices' cursors (never back) in one statement and one commit; of two cursors of one
   * session the later counts.
   *
   * @throws SQLException for the caller to try them one by one ({@code GroupCommit})
   */
  void recordMany(List<Cursor> cursors) throws SQLException {
    Map<UUID, Cursor> bySession = new TreeMap<>();
    for (Cursor cursor : cursors) {
      bySession.merge(cursor.sessionId(), cursor, (a, b) -> a.at().isAfter(b.at()) ? a : b);
    }
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(RECORD_MANY)) {
      statement.setArray(1, connection.createArrayOf("uuid",
          bySession.values().stream().map(Cursor::sessionId).toArray()));
      statement.setArray(2, connection.createArrayOf("uuid",
          bySession.values().stream().map(Cursor::userId).toArray()));
      statement.setArray(3, connection.createArrayOf("bigint",
          bySession.values().stream().map(c -> ChronoUnit.MICROS.between(Instant.EPOCH, c.at())).toArray()));
      statement.executeUpdate();
    }
  }

  /** The connected devices had every receipt up to {@code at}: one statement for all of them. */
  void recordAll(Collection<UUID> sessionIds, Instant at) {
    if (sessionIds.isEmpty()) {
      return;
    }
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(RECORD_ALL)) {
      OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
      statement.setObject(1, when);
      statement.setArray(2, connection.createArrayOf("uuid", sessionIds.toArray(UUID[]::new)));
      statement.setObject(3, when);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new DatabaseException("recording the receipt cursors of connected devices", e);
    }
  }

  /** Deletes the cursors of devices not seen since {@code before}; how many. */
  int forgetOlderThan(Instant before) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(FORGET_OLDER)) {
      statement.setObject(1, before.atOffset(ZoneOffset.UTC));
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new DatabaseException("forgetting old receipt cursors", e);
    }
  }

  /**
   * One page of the receipt states of {@code sender}'s messages created after
   * {@code createdAfter} that changed after {@code changedAfter}, oldest change first.
   *
   * @param after the last state of the previous page, or empty for the first page
   */
  List<ReceiptState> changedSince(UUID sender, Instant changedAfter, Instant createdAfter,
      Optional<ReceiptState> after, int limit) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement =
             connection.prepareStatement(CHANGES + (after.isPresent() ? AFTER : "") + ORDER)) {
      int i = 1;
      statement.setObject(i++, createdAfter.atOffset(ZoneOffset.UTC));
      statement.setObject(i++, sender);
      statement.setObject(i++, sender);
      statement.setObject(i++, changedAfter.atOffset(ZoneOffset.UTC));
      if (after.isPresent()) {
        statement.setObject(i++, after.get().changedAt().atOffset(ZoneOffset.UTC));
        statement.setObject(i++, after.get().messageId());
        statement.setObject(i++, after.get().recipientId());
      }
      statement.setInt(i, limit);
      List<ReceiptState> states = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          states.add(new ReceiptState(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class),
              rows.getObject(3, UUID.class), instant(rows, 6).orElseThrow(), instant(rows, 4), instant(rows, 5)));
        }
      }
      return states;
    } catch (SQLException e) {
      throw new DatabaseException("reading receipts changed while a device was away", e);
    }
  }

  private static Optional<Instant> instant(ResultSet rows, int column) throws SQLException {
    return Optional.ofNullable(rows.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
  }
}
