package com.whatsappclone.worker;

import com.whatsappclone.common.db.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Stores a batch of submitted messages in one transaction: numbers them per conversation in
 * batch order, inserts them and one {@code message_status} row per recipient, advances the
 * conversations' counters and marks chat's reservations ({@code pending_messages}) stored.
 *
 * <p>Blocks are applied here, when the message is stored: in a one-to-one conversation a
 * recipient who blocked the sender gets a {@code withheld_messages} row instead of a status row
 * and is left out of the stored event's recipients, so realtime never pushes, replays or
 * acknowledges it; the sender's call and the stored message are as usual. Groups deliver to
 * everyone.
 *
 * <p>The reservation row of a message with a client_message_id is chat's arbiter of resends for
 * the whole idempotency window, so it is marked stored (its {@code stored_seq}) in the same
 * transaction, never deleted here: a resend that finds no row may take the id as new, so there
 * must be no moment when a stored message has none. A message without a reservation (chat's
 * cleanup deleted it after the window, or it was published by other means) gets one here, from
 * the stored message.
 *
 * <p>Idempotent: a message already stored (same id, or same conversation and client_message_id)
 * is not inserted again and consumes no seq; it comes back as an outcome to re-publish, because a
 * crash may have happened between an earlier commit and its stored event. Numbering is safe
 * against a second worker storing the same conversation at once (a consumer that lost its
 * partitions but has not noticed yet): the conversation rows are locked first, in id order, and
 * duplicates are looked up only under that lock.
 */
final class MessageBatchStore {

  /**
   * What happened to one message of the batch (same position as in the input).
   *
   * @param inserted   stored by this batch (not found stored already)
   * @param rejectedAs the {@link WorkerMetrics} reason of a rejection, null otherwise
   */
  record Outcome(StoredMessage stored, boolean publish, boolean inserted, String rejectedAs,
      String rejection) {
    static Outcome rejected(String rejectedAs, String reason) {
      return new Outcome(null, false, false, rejectedAs, reason);
    }

    boolean isRejected() {
      return rejection != null;
    }
  }

  /** The worker found a conflict it did not expect under its locks; the batch is retried. */
  static final class ConcurrentStoreException extends SQLException {
    private static final long serialVersionUID = 1L;

    ConcurrentStoreException(String message) {
      super(message);
    }
  }

  private record ClientKey(UUID conversationId, String clientMessageId) {}

  private static final String MESSAGE_COLUMNS =
      "m.id, m.conversation_id, m.sender_id, m.content, m.media_url, m.media_type, "
          + "m.client_message_id, m.created_at, m.seq";

  // NO KEY UPDATE, not UPDATE: it still serialises workers (and chat's membership changes) on a
  // conversation, but leaves alone the KEY SHARE lock that every foreign key check on the row
  // takes. FOR UPDATE made chat's reservation INSERT (pending_messages references
  // conversations) wait for this whole transaction: SendMessage stalled for hundreds of ms.
  private static final String LOCK_CONVERSATIONS =
      "SELECT id, last_seq, is_group FROM conversations WHERE id = ANY(?) ORDER BY id FOR NO KEY UPDATE";

  private static final String EXISTING_USERS = "SELECT id FROM users WHERE id = ANY(?)";

  private static final String EXISTING_BY_ID =
      "SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.id = ANY(?)";

  private static final String EXISTING_BY_CLIENT_ID =
      "SELECT " + MESSAGE_COLUMNS + " FROM messages m"
          + " JOIN unnest(?::uuid[], ?::text[]) AS k(conversation_id, client_message_id)"
          + " ON m.conversation_id = k.conversation_id AND m.client_message_id = k.client_message_id";

  // "bigint * interval" goes through double precision: exact up to 2^53 microseconds (year 2255).
  private static final String INSERT_MESSAGES =
      "INSERT INTO messages (id, conversation_id, sender_id, content, media_url, media_type,"
          + " client_message_id, created_at, seq)"
          + " SELECT id, conversation_id, sender_id, content, media_url, media_type, client_message_id,"
          + " timestamptz 'epoch' + created_at_micros * interval '1 microsecond', seq"
          + " FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::bigint[], ?::bigint[]) AS t(id, conversation_id, sender_id, content, media_url,"
          + " media_type, client_message_id, created_at_micros, seq)"
          + " ON CONFLICT DO NOTHING RETURNING id";

  private static final String ADVANCE_COUNTERS =
      "UPDATE conversations c SET last_seq = t.last_seq,"
          + " last_message_at = GREATEST(c.last_message_at,"
          + " timestamptz 'epoch' + t.last_micros * interval '1 microsecond')"
          + " FROM unnest(?::uuid[], ?::bigint[], ?::bigint[]) AS t(id, last_seq, last_micros)"
          + " WHERE c.id = t.id";

  // One statement for the batch's recipients: a status row each, except that in a one-to-one
  // conversation a recipient who blocked the sender gets a withheld_messages row instead (never
  // delivered, see V65). The block is probed on the primary key of blocked_users, for direct
  // conversations only (CASE: groups never look); no extra round trip per message or per batch.
  private static final String INSERT_STATUSES =
      "WITH t AS MATERIALIZED (SELECT t.message_id, t.user_id, t.conversation_id, t.seq,"
          + " CASE WHEN t.direct THEN EXISTS (SELECT 1 FROM blocked_users b"
          + " WHERE b.blocker_user_id = t.user_id AND b.blocked_user_id = t.sender_id) ELSE false END AS withheld"
          + " FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::boolean[])"
          + " AS t(message_id, user_id, sender_id, conversation_id, seq, direct)"
          + " WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)),"
          + " held AS (INSERT INTO withheld_messages (user_id, conversation_id, seq, message_id)"
          + " SELECT user_id, conversation_id, seq, message_id FROM t WHERE withheld ON CONFLICT DO NOTHING)"
          + " INSERT INTO message_status (message_id, user_id)"
          + " SELECT message_id, user_id FROM t WHERE NOT withheld"
          + " ON CONFLICT DO NOTHING RETURNING message_id, user_id";

  private static final String STATUS_RECIPIENTS =
      "SELECT message_id, user_id FROM message_status WHERE message_id = ANY(?) ORDER BY user_id";

  // The row mirrors the stored message, whatever chat reserved under this client_message_id
  // (the same message, unless a reservation was cleaned up and made again).
  private static final String MARK_RESERVATIONS_STORED =
      "INSERT INTO pending_messages (conversation_id, client_message_id, message_id, sender_id,"
          + " content, media_url, media_type, created_at, stored_seq)"
          + " SELECT conversation_id, client_message_id, message_id, sender_id, content, media_url,"
          + " media_type, timestamptz 'epoch' + created_at_micros * interval '1 microsecond', seq"
          + " FROM unnest(?::uuid[], ?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[],"
          + " ?::bigint[], ?::bigint[]) AS t(conversation_id, client_message_id, message_id, sender_id,"
          + " content, media_url, media_type, created_at_micros, seq)"
          + " ON CONFLICT (conversation_id, client_message_id) DO UPDATE SET"
          + " message_id = EXCLUDED.message_id, sender_id = EXCLUDED.sender_id,"
          + " content = EXCLUDED.content, media_url = EXCLUDED.media_url,"
          + " media_type = EXCLUDED.media_type, created_at = EXCLUDED.created_at,"
          + " stored_seq = EXCLUDED.stored_seq"
          + " WHERE pending_messages.stored_seq IS DISTINCT FROM EXCLUDED.stored_seq"
          + " OR pending_messages.message_id <> EXCLUDED.message_id";

  private final DataSource dataSource;

  MessageBatchStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Stored before: a message of the batch was already in {@code messages} (a redelivered record).
   * Only thrown on the first try, which does not look for such messages; the batch is then stored
   * again, looking them up.
   */
  private static final class StoredBeforeException extends SQLException {
    private static final long serialVersionUID = 1L;

    StoredBeforeException(int count) {
      super(count + " message(s) of the batch were stored before");
    }
  }

  /**
   * Stores the batch. The first try assumes that no message of it was stored before, the common
   * case, and skips the two lookups of {@code messages} by id and by client_message_id; the
   * INSERT's ON CONFLICT tells otherwise, and then the batch is rolled back and stored with them.
   *
   * @return one outcome per input message, in input order
   */
  List<Outcome> store(List<SubmittedMessage> batch) throws SQLException {
    if (batch.isEmpty()) {
      return List.of();
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        return commit(connection, storeInTransaction(connection, batch, false));
      } catch (StoredBeforeException e) {
        connection.rollback();
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(connection, e);
        throw e;
      }
      try {
        return commit(connection, storeInTransaction(connection, batch, true));
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(connection, e);
        throw e;
      }
    }
  }

  private static List<Outcome> commit(Connection connection, List<Outcome> outcomes) throws SQLException {
    connection.commit();
    return outcomes;
  }

  /** @param lookUpStored whether to look for messages of the batch stored before */
  private List<Outcome> storeInTransaction(Connection c, List<SubmittedMessage> batch,
      boolean lookUpStored) throws SQLException {
    Set<UUID> groups = new HashSet<>();
    Map<UUID, Long> lastSeq = lockConversations(c, batch, groups);
    Set<UUID> senders = existingUsers(c, batch);
    Map<UUID, StoredMessage> byId = new HashMap<>();
    Map<ClientKey, StoredMessage> byClientId = new HashMap<>();
    if (lookUpStored) {
      loadExisting(c, batch, byId, byClientId);
    }

    List<Outcome> outcomes = new ArrayList<>(batch.size());
    List<StoredMessage> inserts = new ArrayList<>();
    Set<UUID> emitted = new HashSet<>();
    for (SubmittedMessage m : batch) {
      if (!lastSeq.containsKey(m.conversationId())) {
        outcomes.add(Outcome.rejected(WorkerMetrics.UNKNOWN_CONVERSATION, "unknown conversation " + m.conversationId()));
        continue;
      }
      if (!senders.contains(m.senderId())) {
        outcomes.add(Outcome.rejected(WorkerMetrics.UNKNOWN_SENDER, "unknown sender " + m.senderId()));
        continue;
      }
      StoredMessage existing = byId.get(m.id());
      if (existing == null && m.clientMessageId() != null) {
        existing = byClientId.get(new ClientKey(m.conversationId(), m.clientMessageId()));
        if (existing != null && !existing.senderId().equals(m.senderId())) {
          outcomes.add(Outcome.rejected(WorkerMetrics.CLIENT_MESSAGE_ID_TAKEN,
              "client_message_id already used by another sender in this conversation"));
          continue;
        }
      }
      if (existing != null) {
        // Stored before (re-publish its event: the earlier run may have crashed before doing so)
        // or earlier in this batch (its event is already on the list).
        outcomes.add(new Outcome(existing, emitted.add(existing.id()), false, null, null));
        continue;
      }
      long seq = lastSeq.merge(m.conversationId(), 1L, Long::sum);
      StoredMessage stored = new StoredMessage(m.id(), m.conversationId(), m.senderId(), m.content(),
          m.mediaUrl(), m.mediaType(), m.clientMessageId(), m.createdAtMicros(), seq, m.recipientIds());
      inserts.add(stored);
      byId.put(stored.id(), stored);
      if (stored.clientMessageId() != null) {
        byClientId.put(new ClientKey(stored.conversationId(), stored.clientMessageId()), stored);
      }
      emitted.add(stored.id());
      outcomes.add(new Outcome(stored, true, true, null, null));
    }

    insertMessages(c, inserts, lookUpStored);
    advanceCounters(c, inserts);
    Map<UUID, List<UUID>> recipients = insertStatuses(c, inserts, groups);
    Set<UUID> republished = new LinkedHashSet<>();
    for (Outcome outcome : outcomes) {
      if (outcome.publish() && !recipients.containsKey(outcome.stored().id())) {
        republished.add(outcome.stored().id());
      }
    }
    recipients.putAll(statusRecipients(c, republished));
    markReservationsStored(c, outcomes);

    List<Outcome> result = new ArrayList<>(outcomes.size());
    for (Outcome outcome : outcomes) {
      result.add(outcome.isRejected() ? outcome : new Outcome(
          outcome.stored().withRecipients(recipients.getOrDefault(outcome.stored().id(), List.of())),
          outcome.publish(), outcome.inserted(), null, null));
    }
    return result;
  }

  /**
   * Locks the batch's conversations in id order (no deadlock between workers); their last seq.
   *
   * @param groups gets the ids of the batch's groups (the others are one-to-one)
   */
  private static Map<UUID, Long> lockConversations(Connection c, List<SubmittedMessage> batch,
      Set<UUID> groups) throws SQLException {
    Set<UUID> ids = new TreeSet<>();
    batch.forEach(m -> ids.add(m.conversationId()));
    Map<UUID, Long> lastSeq = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(LOCK_CONVERSATIONS)) {
      ps.setArray(1, uuidArray(c, ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lastSeq.put(rs.getObject(1, UUID.class), rs.getLong(2));
          if (rs.getBoolean(3)) {
            groups.add(rs.getObject(1, UUID.class));
          }
        }
      }
    }
    return lastSeq;
  }

  private static Set<UUID> existingUsers(Connection c, List<SubmittedMessage> batch)
      throws SQLException {
    Set<UUID> ids = new HashSet<>();
    batch.forEach(m -> ids.add(m.senderId()));
    Set<UUID> existing = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(EXISTING_USERS)) {
      ps.setArray(1, uuidArray(c, ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          existing.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return existing;
  }

  private static void loadExisting(Connection c, List<SubmittedMessage> batch,
      Map<UUID, StoredMessage> byId, Map<ClientKey, StoredMessage> byClientId) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    List<UUID> clientConversations = new ArrayList<>();
    List<String> clientIds = new ArrayList<>();
    for (SubmittedMessage m : batch) {
      ids.add(m.id());
      if (m.clientMessageId() != null) {
        clientConversations.add(m.conversationId());
        clientIds.add(m.clientMessageId());
      }
    }
    List<StoredMessage> found = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(EXISTING_BY_ID)) {
      ps.setArray(1, uuidArray(c, ids));
      readMessages(ps, found);
    }
    if (!clientIds.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(EXISTING_BY_CLIENT_ID)) {
        ps.setArray(1, uuidArray(c, clientConversations));
        ps.setArray(2, c.createArrayOf("text", clientIds.toArray()));
        readMessages(ps, found);
      }
    }
    for (StoredMessage m : found) {
      byId.put(m.id(), m);
      if (m.clientMessageId() != null) {
        byClientId.put(new ClientKey(m.conversationId(), m.clientMessageId()), m);
      }
    }
  }

  private static void readMessages(PreparedStatement ps, List<StoredMessage> into) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        into.add(new StoredMessage(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5), rs.getString(6),
            rs.getString(7), micros(rs.getObject(8, OffsetDateTime.class)), rs.getLong(9), List.of()));
      }
    }
  }

  private static void insertMessages(Connection c, List<StoredMessage> inserts, boolean lookedUpStored)
      throws SQLException {
    if (inserts.isEmpty()) {
      return;
    }
    int n = inserts.size();
    Object[] ids = new Object[n];
    Object[] conversations = new Object[n];
    Object[] senders = new Object[n];
    Object[] contents = new Object[n];
    Object[] mediaUrls = new Object[n];
    Object[] mediaTypes = new Object[n];
    Object[] clientIds = new Object[n];
    Object[] createdAt = new Object[n];
    Object[] seqs = new Object[n];
    for (int i = 0; i < n; i++) {
      StoredMessage m = inserts.get(i);
      ids[i] = m.id();
      conversations[i] = m.conversationId();
      senders[i] = m.senderId();
      contents[i] = m.content();
      mediaUrls[i] = m.mediaUrl();
      mediaTypes[i] = m.mediaType();
      clientIds[i] = m.clientMessageId();
      createdAt[i] = m.createdAtMicros();
      seqs[i] = m.seq();
    }
    int inserted = 0;
    try (PreparedStatement ps = c.prepareStatement(INSERT_MESSAGES)) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setArray(2, c.createArrayOf("uuid", conversations));
      ps.setArray(3, c.createArrayOf("uuid", senders));
      ps.setArray(4, c.createArrayOf("text", contents));
      ps.setArray(5, c.createArrayOf("text", mediaUrls));
      ps.setArray(6, c.createArrayOf("text", mediaTypes));
      ps.setArray(7, c.createArrayOf("text", clientIds));
      ps.setArray(8, c.createArrayOf("bigint", createdAt));
      ps.setArray(9, c.createArrayOf("bigint", seqs));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted++;
        }
      }
    }
    if (inserted != n && !lookedUpStored) {
      throw new StoredBeforeException(n - inserted);
    }
    if (inserted != n) {
      // Cannot happen under the conversation locks unless someone wrote these rows without them;
      // rolling back and retrying sees those rows as already stored and numbers around them.
      throw new ConcurrentStoreException(
          (n - inserted) + " message(s) of the batch appeared while it was being stored");
    }
  }

  private static void advanceCounters(Connection c, List<StoredMessage> inserts) throws SQLException {
    if (inserts.isEmpty()) {
      return;
    }
    Map<UUID, long[]> latest = new HashMap<>(); // conversation -> {last seq, last created_at micros}
    for (StoredMessage m : inserts) {
      latest.merge(m.conversationId(), new long[] {m.seq(), m.createdAtMicros()},
          (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
    }
    List<Object> ids = new ArrayList<>();
    List<Object> seqs = new ArrayList<>();
    List<Object> micros = new ArrayList<>();
    latest.forEach((id, values) -> {
      ids.add(id);
      seqs.add(values[0]);
      micros.add(values[1]);
    });
    try (PreparedStatement ps = c.prepareStatement(ADVANCE_COUNTERS)) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      ps.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
      ps.setArray(3, c.createArrayOf("bigint", micros.toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * @return per new message, its recipients that got a status row (in the order chat listed
   *     them): not those it is withheld from, so its stored event does not name them either
   */
  private static Map<UUID, List<UUID>> insertStatuses(Connection c, List<StoredMessage> inserts,
      Set<UUID> groups) throws SQLException {
    Map<UUID, List<UUID>> recipients = new HashMap<>();
    List<Object> messageIds = new ArrayList<>();
    List<Object> userIds = new ArrayList<>();
    List<Object> senderIds = new ArrayList<>();
    List<Object> conversationIds = new ArrayList<>();
    List<Object> seqs = new ArrayList<>();
    List<Object> direct = new ArrayList<>();
    for (StoredMessage m : inserts) {
      recipients.put(m.id(), List.of());
      boolean isDirect = !groups.contains(m.conversationId());
      for (UUID recipient : m.recipientIds()) {
        messageIds.add(m.id());
        userIds.add(recipient);
        senderIds.add(m.senderId());
        conversationIds.add(m.conversationId());
        seqs.add(m.seq());
        direct.add(isDirect);
      }
    }
    if (messageIds.isEmpty()) {
      return recipients;
    }
    Set<List<UUID>> inserted = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(INSERT_STATUSES)) {
      ps.setArray(1, c.createArrayOf("uuid", messageIds.toArray()));
      ps.setArray(2, c.createArrayOf("uuid", userIds.toArray()));
      ps.setArray(3, c.createArrayOf("uuid", senderIds.toArray()));
      ps.setArray(4, c.createArrayOf("uuid", conversationIds.toArray()));
      ps.setArray(5, c.createArrayOf("bigint", seqs.toArray()));
      ps.setArray(6, c.createArrayOf("boolean", direct.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(List.of(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
        }
      }
    }
    for (StoredMessage m : inserts) {
      recipients.put(m.id(), m.recipientIds().stream()
          .filter(r -> inserted.contains(List.of(m.id(), r)))
          .toList());
    }
    return recipients;
  }

  private static Map<UUID, List<UUID>> statusRecipients(Connection c, Set<UUID> messageIds)
      throws SQLException {
    Map<UUID, List<UUID>> recipients = new HashMap<>();
    if (messageIds.isEmpty()) {
      return recipients;
    }
    try (PreparedStatement ps = c.prepareStatement(STATUS_RECIPIENTS)) {
      ps.setArray(1, uuidArray(c, messageIds));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          recipients.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>())
              .add(rs.getObject(2, UUID.class));
        }
      }
    }
    return recipients;
  }

  private static void markReservationsStored(Connection c, List<Outcome> outcomes) throws SQLException {
    Map<ClientKey, StoredMessage> byKey = new HashMap<>();
    for (Outcome outcome : outcomes) {
      StoredMessage m = outcome.isRejected() ? null : outcome.stored();
      if (m != null && m.clientMessageId() != null) {
        byKey.putIfAbsent(new ClientKey(m.conversationId(), m.clientMessageId()), m); // one row each
      }
    }
    if (byKey.isEmpty()) {
      return;
    }
    int n = byKey.size();
    Object[][] columns = new Object[9][n];
    int i = 0;
    for (StoredMessage m : byKey.values()) {
      Object[] row = {m.conversationId(), m.clientMessageId(), m.id(), m.senderId(), m.content(),
          m.mediaUrl(), m.mediaType(), m.createdAtMicros(), m.seq()};
      for (int column = 0; column < row.length; column++) {
        columns[column][i] = row[column];
      }
      i++;
    }
    String[] types = {"uuid", "text", "uuid", "uuid", "text", "text", "text", "bigint", "bigint"};
    try (PreparedStatement ps = c.prepareStatement(MARK_RESERVATIONS_STORED)) {
      for (int column = 0; column < types.length; column++) {
        ps.setArray(column + 1, c.createArrayOf(types[column], columns[column]));
      }
      ps.executeUpdate();
    }
  }

  private static Array uuidArray(Connection c, java.util.Collection<UUID> ids) throws SQLException {
    return c.createArrayOf("uuid", ids.toArray());
  }

  private static long micros(OffsetDateTime time) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, time.toInstant());
  }
}
