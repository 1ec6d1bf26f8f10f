package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Who is in which conversation ({@code conversation_participants}), as realtime asks it. */
final class ParticipantStore {

  private static final String PARTICIPANTS =
      "SELECT user_id FROM conversation_participants WHERE conversation_id = ?";

  private static final String CONTACTS =
      "SELECT DISTINCT other.user_id FROM conversation_participants mine"
      + " JOIN conversations c ON c.id = mine.conversation_id"
      + " JOIN conversation_participants other ON other.conversation_id = mine.conversation_id"
      + " WHERE mine.user_id = ? AND other.user_id <> mine.user_id"
      + " AND (NOT c.is_group OR (SELECT count(*) FROM conversation_participants members"
      + " WHERE members.conversation_id = mine.conversation_id) <= ?)";

  private final DataSource dataSource;
  private final int presenceGroupLimit;

  /**
   * @param presenceGroupLimit groups with more members than this do not make their members each
   *                           other's presence viewers (REALTIME_PRESENCE_GROUP_LIMIT)
   */
  ParticipantStore(DataSource dataSource, int presenceGroupLimit) {
    this.dataSource = dataSource;
    this.presenceGroupLimit = presenceGroupLimit;
  }

  /** The conversation's members; empty when it does not exist. */
  Set<String> participants(UUID conversationId) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(PARTICIPANTS)) {
      statement.setObject(1, conversationId);
      Set<String> users = new HashSet<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          users.add(rows.getString(1));
        }
      }
      return Set.copyOf(users);
    } catch (SQLException e) {
      throw new DatabaseException("reading conversation participants", e);
    }
  }

  /**
   * Everyone who shares a one-to-one conversation or a group of at most the presence group limit
   * with the user: who may see their presence.
   */
  List<String> contactsOf(UUID userId) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(CONTACTS)) {
      statement.setObject(1, userId);
      statement.setInt(2, presenceGroupLimit);
      List<String> users = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          users.add(rows.getString(1));
        }
      }
      return users;
    } catch (SQLException e) {
      throw new DatabaseException("reading a user's contacts", e);
    }
  }
}
