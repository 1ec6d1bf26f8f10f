package com.whatsappclone.common.privacy;

import com.whatsappclone.common.db.DatabaseException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads privacy settings, address books and blocks ({@code user_privacy_settings},
 * {@code contacts}, {@code blocked_users}) for the services that apply them. Auth owns and writes
 * these tables; chat, realtime and status only read them, each in one query per question, so a
 * fan-out to many viewers costs one round trip. Uncached: a service on a hot path caches what it
 * asks, for as long as it can afford a block to take effect late.
 */
public final class PrivacyStore {

  private static final String SETTINGS_COLUMNS = "s.last_seen, s.profile_photo, s.about, s.statuses, s.read_receipts";

  // One owner, many viewers: what the owner shows each of them.
  private static final String TO_VIEWERS = "SELECT v.id, " + SETTINGS_COLUMNS
      + ", EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = ? AND c.contact_user_id = v.id)"
      + ", EXISTS (SELECT 1 FROM blocked_users b WHERE b.blocker_user_id = ? AND b.blocked_user_id = v.id)"
      + " FROM unnest(?::uuid[]) AS v(id) LEFT JOIN user_privacy_settings s ON s.user_id = ?";

  // One viewer, many owners: what each of them shows the viewer.
  private static final String FROM_OWNERS = "SELECT o.id, " + SETTINGS_COLUMNS
      + ", EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = o.id AND c.contact_user_id = ?)"
      + ", EXISTS (SELECT 1 FROM blocked_users b WHERE b.blocker_user_id = o.id AND b.blocked_user_id = ?)"
      + " FROM unnest(?::uuid[]) AS o(id) LEFT JOIN user_privacy_settings s ON s.user_id = o.id";

  // Both directions in one statement: the primary key serves the first, the blocked_user_id
  // index the second.
  private static final String BLOCKS_BETWEEN = "SELECT blocker_user_id, blocked_user_id FROM blocked_users"
      + " WHERE (blocker_user_id = ? AND blocked_user_id = ANY (?::uuid[]))"
      + " OR (blocked_user_id = ? AND blocker_user_id = ANY (?::uuid[]))";

  private static final String READ_RECEIPTS_OFF =
      "SELECT user_id FROM user_privacy_settings WHERE user_id = ANY (?::uuid[]) AND NOT read_receipts";

  private final DataSource dataSource;

  public PrivacyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** What {@code owner} shows each of {@code viewers}; one entry per distinct viewer. */
  public Map<UUID, Relationship> toViewers(UUID owner, Collection<UUID> viewers) {
    return query(TO_VIEWERS, "reading what a user shows others", owner, viewers, true);
  }

  /** What each of {@code owners} shows {@code viewer}; one entry per distinct owner. */
  public Map<UUID, Relationship> fromOwners(UUID viewer, Collection<UUID> owners) {
    return query(FROM_OWNERS, "reading what others show a user", viewer, owners, false);
  }

  /** Whether {@code owner} shows {@code viewer} the information; shorthand for one pair. */
  public Relationship between(UUID owner, UUID viewer) {
    return toViewers(owner, Set.of(viewer)).get(viewer);
  }

  /**
   * The blocks between {@code user} and each of {@code others}, both ways, in one query.
   *
   * @param blockedUser those of {@code others} who blocked {@code user}
   * @param blockedByUser those of {@code others} whom {@code user} blocked
   */
  public record Blocks(Set<UUID> blockedUser, Set<UUID> blockedByUser) {
    public boolean isEmpty() {
      return blockedUser.isEmpty() && blockedByUser.isEmpty();
    }
  }

  public Blocks blocksBetween(UUID user, Collection<UUID> others) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(BLOCKS_BETWEEN)) {
      Array ids = uuidArray(connection, others);
      statement.setObject(1, user);
      statement.setArray(2, ids);
      statement.setObject(3, user);
      statement.setArray(4, ids);
      Set<UUID> blockedUser = new HashSet<>();
      Set<UUID> blockedByUser = new HashSet<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          UUID blocker = rows.getObject(1, UUID.class);
          UUID blocked = rows.getObject(2, UUID.class);
          if (blocker.equals(user)) {
            blockedByUser.add(blocked);
          } else {
            blockedUser.add(blocker);
          }
        }
      }
      return new Blocks(blockedUser, blockedByUser);
    } catch (SQLException e) {
      throw new DatabaseException("reading blocks between users", e);
    }
  }

  /** The users of {@code users} who turned read receipts off. */
  public Set<UUID> readReceiptsOff(Collection<UUID> users) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(READ_RECEIPTS_OFF)) {
      statement.setArray(1, uuidArray(connection, users));
      Set<UUID> off = new HashSet<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          off.add(rows.getObject(1, UUID.class));
        }
      }
      return off;
    } catch (SQLException e) {
      throw new DatabaseException("reading read-receipt settings", e);
    }
  }

  private Map<UUID, Relationship> query(String sql, String what, UUID fixed, Collection<UUID> others,
      boolean fixedIsOwner) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, fixed);
      statement.setObject(2, fixed);
      statement.setArray(3, uuidArray(connection, others));
      if (fixedIsOwner) {
        statement.setObject(4, fixed);
      }
      Map<UUID, Relationship> relationships = new HashMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          UUID other = rows.getObject(1, UUID.class);
          PrivacySettings settings = settings(rows);
          boolean contact = rows.getBoolean(7);
          boolean blocked = rows.getBoolean(8);
          relationships.put(other, fixedIsOwner
              ? new Relationship(fixed, other, settings, contact, blocked)
              : new Relationship(other, fixed, settings, contact, blocked));
        }
      }
      return relationships;
    } catch (SQLException e) {
      throw new DatabaseException(what, e);
    }
  }

  private static PrivacySettings settings(ResultSet rows) throws SQLException {
    String lastSeen = rows.getString(2);
    if (lastSeen == null) {
      return PrivacySettings.DEFAULTS;
    }
    return PrivacySettings.fromColumns(lastSeen, rows.getString(3), rows.getString(4), rows.getString(5),
        rows.getBoolean(6));
  }

  private static Array uuidArray(Connection connection, Collection<UUID> ids) throws SQLException {
    return connection.createArrayOf("uuid", new HashSet<>(ids).toArray());
  }
}
