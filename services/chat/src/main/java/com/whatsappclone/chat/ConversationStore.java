package com.whatsappclone.chat;

import com.whatsappclone.common.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** The tables {@code conversations} and {@code conversation_participants}. */
final class ConversationStore {

  /** Work done on one conversation while its row is locked, inside one transaction. */
  @FunctionalInterface
  interface LockedWork<T> {
    T apply(LockedConversation conversation) throws SQLException;
  }

  private static final String CONVERSATION_COLUMNS =
      "c.id, c.created_at, c.is_group, c.group_name, c.last_message_at, c.last_seq";

  // Participants in a stable order: by joining time, the admins (the creator) first among equals.
  private static final String MEMBER_ORDER = "p.joined_at, p.role = 'admin' DESC, p.user_id";

  private static final String SELECT_CONVERSATION =
      "SELECT " + CONVERSATION_COLUMNS + " FROM conversations c WHERE c.id = ?";

  private static final String SELECT_MEMBERS =
      "SELECT p.user_id, p.role FROM conversation_participants p WHERE p.conversation_id = ?"
          + " ORDER BY " + MEMBER_ORDER;

  // NO KEY UPDATE: serialises membership changes (and the worker's numbering) on a conversation
  // without blocking the foreign key checks of inserts that reference it (a send's reservation).
  private static final String LOCK_CONVERSATION =
      "SELECT " + CONVERSATION_COLUMNS + " FROM conversations c WHERE c.id = ? FOR NO KEY UPDATE";

  private static final String INSERT_CONVERSATION =
      "INSERT INTO conversations (id, created_at, is_group, group_name, direct_pair)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (direct_pair) DO NOTHING RETURNING id";

  private static final String SELECT_BY_DIRECT_PAIR =
      "SELECT id FROM conversations WHERE direct_pair = ?";

  private static final String INSERT_MEMBER =
      "INSERT INTO conversation_participants (conversation_id, user_id, joined_at, role)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";

  private static final String DELETE_MEMBER =
      "DELETE FROM conversation_participants WHERE conversation_id = ? AND user_id = ?";

  private static final String SET_ROLE =
      "UPDATE conversation_participants SET role = ? WHERE conversation_id = ? AND user_id = ?";

  private static final String EXISTING_USERS = "SELECT id FROM users WHERE id = ANY(?)";

  // The caller's conversations, most recent activity first: the newest stored message the caller
  // may see, or the creation for a conversation without one. Messages withheld from the caller
  // (V65: sent by someone the caller blocked) do not count: when the newest is one of them
  // ("hidden", a primary-key probe per conversation), the newest visible one is looked up
  // instead; otherwise the lateral lookup is not run (its filter is the constant "hidden").
  private static final String SELECT_FOR_USER =
      "SELECT x.id, x.created_at, x.is_group, x.group_name, x.member_ids, x.member_roles,"
          + " CASE WHEN x.hidden THEN v.created_at ELSE x.last_message_at END AS last_message_at,"
          + " CASE WHEN x.hidden THEN COALESCE(v.seq, 0) ELSE x.last_seq END AS last_seq"
          + " FROM (SELECT " + CONVERSATION_COLUMNS + ","
          + " array_agg(p.user_id ORDER BY " + MEMBER_ORDER + ") AS member_ids,"
          + " array_agg(p.role ORDER BY " + MEMBER_ORDER + ") AS member_roles,"
          + " EXISTS (SELECT 1 FROM withheld_messages w WHERE w.user_id = mine.user_id"
          + " AND w.conversation_id = c.id AND w.seq = c.last_seq) AS hidden"
          + " FROM conversation_participants mine"
          + " JOIN conversations c ON c.id = mine.conversation_id"
          + " JOIN conversation_participants p ON p.conversation_id = c.id"
          + " WHERE mine.user_id = ?"
          + " GROUP BY c.id, mine.user_id) x"
          + " LEFT JOIN LATERAL (SELECT m.seq, m.created_at FROM messages m"
          + " WHERE x.hidden AND m.conversation_id = x.id AND NOT EXISTS (SELECT 1 FROM withheld_messages w"
          + " WHERE w.user_id = ? AND w.conversation_id = m.conversation_id AND w.seq = m.seq)"
          + " ORDER BY m.seq DESC LIMIT 1) v ON true"
          + " ORDER BY COALESCE(CASE WHEN x.hidden THEN v.created_at ELSE x.last_message_at END, x.created_at) DESC,"
          + " x.id DESC";

  private final DataSource dataSource;

  ConversationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The ids among {@code userIds} that are not users. */
  Set<UUID> missingUsers(Collection<UUID> userIds) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return missingUsers(c, userIds);
    }
  }

  private static Set<UUID> missingUsers(Connection c, Collection<UUID> userIds) throws SQLException {
    Set<UUID> missing = new HashSet<>(userIds);
    try (PreparedStatement ps = c.prepareStatement(EXISTING_USERS)) {
      ps.setArray(1, c.createArrayOf("uuid", userIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          missing.remove(rs.getObject(1, UUID.class));
        }
      }
    }
    return missing;
  }

  Optional<Conversation> find(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return find(c, id, SELECT_CONVERSATION);
    }
  }

  /** The one-to-one conversation of these two users, if there is one. */
  Optional<Conversation> findDirect(UUID first, UUID second) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      UUID id;
      try (PreparedStatement ps = c.prepareStatement(SELECT_BY_DIRECT_PAIR)) {
        ps.setString(1, directPair(first, second));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          id = rs.getObject(1, UUID.class);
        }
      }
      return find(c, id, SELECT_CONVERSATION);
    }
  }

  /**
   * The one-to-one conversation of these two users: the existing one, or a new one. Safe when
   * both create it at once: the unique key on the pair lets one insert win, the other reads it.
   */
  Conversation findOrCreateDirect(UUID newId, UUID first, UUID second, Instant now)
      throws SQLException {
    String pair = directPair(first, second);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        UUID id;
        if (insertConversation(c, newId, now, false, null, pair)) {
          insertMember(c, newId, first, Role.MEMBER, now);
          insertMember(c, newId, second, Role.MEMBER, now);
          id = newId;
        } else {
          try (PreparedStatement ps = c.prepareStatement(SELECT_BY_DIRECT_PAIR)) {
            ps.setString(1, pair);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              id = rs.getObject(1, UUID.class);
            }
          }
        }
        Conversation conversation = find(c, id, SELECT_CONVERSATION).orElseThrow();
        c.commit();
        return conversation;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  /** A new group; {@code creator} is its admin, the others members. */
  Conversation createGroup(UUID id, UUID creator, Collection<UUID> others, String name, Instant now)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        insertConversation(c, id, now, true, name, null);
        try (PreparedStatement ps = c.prepareStatement(INSERT_MEMBER)) {
          addMemberBatch(ps, id, creator, Role.ADMIN, now);
          for (UUID other : others) {
            addMemberBatch(ps, id, other, Role.MEMBER, now);
          }
          ps.executeBatch();
        }
        Conversation conversation = find(c, id, SELECT_CONVERSATION).orElseThrow();
        c.commit();
        return conversation;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  /** The user's conversations, most recent activity first. */
  List<Conversation> listForUser(UUID userId) throws SQLException {
    List<Conversation> conversations = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SELECT_FOR_USER)) {
      ps.setObject(1, userId);
      ps.setObject(2, userId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID[] ids = (UUID[]) rs.getArray("member_ids").getArray();
          String[] roles = (String[]) rs.getArray("member_roles").getArray();
          List<Member> members = new ArrayList<>(ids.length);
          for (int i = 0; i < ids.length; i++) {
            members.add(new Member(ids[i], Role.fromDb(roles[i])));
          }
          conversations.add(conversation(rs, members));
        }
      }
    }
    return conversations;
  }

  /**
   * Runs {@code work} in one transaction with the conversation's row locked, so that membership
   * rules (admins, size limits) are checked against what cannot change meanwhile.
   *
   * @return empty when there is no such conversation
   */
  <T> Optional<T> withLocked(UUID id, LockedWork<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<Conversation> conversation = find(c, id, LOCK_CONVERSATION);
        if (conversation.isEmpty()) {
          c.rollback();
          return Optional.empty();
        }
        T result = work.apply(new LockedConversation(c, conversation.get()));
        c.commit();
        return Optional.of(result);
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  /** A conversation locked by {@link #withLocked}; its changes commit together. */
  static final class LockedConversation {
    private final Connection connection;
    private final Conversation conversation;

    private LockedConversation(Connection connection, Conversation conversation) {
      this.connection = connection;
      this.conversation = conversation;
    }

    /** As it was when locked. */
    Conversation conversation() {
      return conversation;
    }

    /** The ids among {@code userIds} that are not users (on this transaction's connection). */
    Set<UUID> missingUsers(Collection<UUID> userIds) throws SQLException {
      return ConversationStore.missingUsers(connection, userIds);
    }

    void addMembers(Collection<UUID> userIds, Role role, Instant now) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(INSERT_MEMBER)) {
        for (UUID userId : userIds) {
          addMemberBatch(ps, conversation.id(), userId, role, now);
        }
        ps.executeBatch();
      }
    }

    void removeMember(UUID userId) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(DELETE_MEMBER)) {
        ps.setObject(1, conversation.id());
        ps.setObject(2, userId);
        ps.executeUpdate();
      }
    }

    void setRole(UUID userId, Role role) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(SET_ROLE)) {
        ps.setString(1, role.dbValue());
        ps.setObject(2, conversation.id());
        ps.setObject(3, userId);
        ps.executeUpdate();
      }
    }

    /** The conversation as it is now, changes of this transaction included. */
    Conversation reload() throws SQLException {
      return find(connection, conversation.id(), SELECT_CONVERSATION).orElseThrow();
    }
  }

  /** {@code "<smaller uuid>:<larger uuid>"} of the two users, as text (the column's form). */
  static String directPair(UUID a, UUID b) {
    String x = a.toString();
    String y = b.toString();
    return x.compareTo(y) <= 0 ? x + ":" + y : y + ":" + x;
  }

  private static boolean insertConversation(Connection c, UUID id, Instant now, boolean isGroup,
      String groupName, String directPair) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_CONVERSATION)) {
      ps.setObject(1, id);
      ps.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.setBoolean(3, isGroup);
      ps.setString(4, groupName);
      ps.setString(5, directPair);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void insertMember(Connection c, UUID conversationId, UUID userId, Role role,
      Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_MEMBER)) {
      addMemberBatch(ps, conversationId, userId, role, now);
      ps.executeBatch();
    }
  }

  private static void addMemberBatch(PreparedStatement ps, UUID conversationId, UUID userId,
      Role role, Instant now) throws SQLException {
    ps.setObject(1, conversationId);
    ps.setObject(2, userId);
    ps.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
    ps.setString(4, role.dbValue());
    ps.addBatch();
  }

  private static Optional<Conversation> find(Connection c, UUID id, String conversationSql)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(conversationSql)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(conversation(rs, members(c, id)));
      }
    }
  }

  private static List<Member> members(Connection c, UUID conversationId) throws SQLException {
    List<Member> members = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SELECT_MEMBERS)) {
      ps.setObject(1, conversationId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          members.add(new Member(rs.getObject(1, UUID.class), Role.fromDb(rs.getString(2))));
        }
      }
    }
    return members;
  }

  private static Conversation conversation(ResultSet rs, List<Member> members) throws SQLException {
    OffsetDateTime lastMessageAt = rs.getObject("last_message_at", OffsetDateTime.class);
    return new Conversation(rs.getObject("id", UUID.class), List.copyOf(members),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getBoolean("is_group"), rs.getString("group_name"),
        lastMessageAt == null ? null : lastMessageAt.toInstant(),
        rs.getLong("last_seq"));
  }
}
