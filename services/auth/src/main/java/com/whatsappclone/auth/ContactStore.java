package com.whatsappclone.auth;

import com.whatsappclone.common.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The address books: {@code contacts} (the original's table; auth is its only writer) and the
 * full syncs in progress ({@code contact_syncs}, {@code contact_sync_numbers}).
 *
 * <p>A stored number is linked to its user ({@code contact_user_id}) when it is stored and, for a
 * number that signs up later, by {@link UserStore#findOrCreate} in the transaction that creates
 * the user.
 */
final class ContactStore {

  /** One entry to store: an E.164 number and the caller's name for it (null: keep the stored one). */
  record Entry(String phoneNumber, String displayName) {}

  /** A stored entry and, when the number is a user's, that user. */
  record Stored(String phoneNumber, String displayName, User user) {}

  /** What a page of a full sync did: the sync's id, and on the last page how many numbers went. */
  record SyncPage(UUID syncId, int removed) {}

  private static final String UPSERT = "INSERT INTO contacts AS c "
      + "(user_id, contact_phone_number, contact_user_id, display_name_override) "
      + "VALUES (?, ?, (SELECT id FROM users WHERE phone_number = ?), ?) "
      + "ON CONFLICT (user_id, contact_phone_number) DO UPDATE SET "
      + "contact_user_id = EXCLUDED.contact_user_id, "
      + "display_name_override = COALESCE(EXCLUDED.display_name_override, c.display_name_override)";

  private static final String STORED_COLUMNS = "c.contact_phone_number, c.display_name_override, "
      + "u.id, u.phone_number, u.display_name, u.profile_picture_url, u.about_text, u.last_seen_at, "
      + "u.created_at, u.updated_at";

  private final DataSource dataSource;

  ContactStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The numbers of {@code numbers} that are already in {@code user}'s address book. */
  Set<String> existing(UUID user, Collection<String> numbers) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT contact_phone_number FROM contacts "
            + "WHERE user_id = ? AND contact_phone_number = ANY (?)")) {
      s.setObject(1, user);
      s.setArray(2, c.createArrayOf("varchar", numbers.toArray()));
      Set<String> found = new HashSet<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
        }
      }
      return found;
    }
  }

  /** Whether {@code syncId} is a sync of {@code user} that has not expired. */
  boolean syncOpen(UUID user, UUID syncId, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT 1 FROM contact_syncs WHERE id = ? AND user_id = ? AND expires_at > ?")) {
      s.setObject(1, syncId);
      s.setObject(2, user);
      Sql.setInstant(s, 3, now);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next();
      }
    }
  }

  /**
   * One page of a full sync, in one transaction: starts the sync when {@code syncId} is null
   * (ending any other sync of the user), stores the entries, remembers them as named by the sync,
   * and on the last page removes every number of the user that no page named and ends the sync.
   *
   * @return empty when {@code syncId} is not an open sync of the user (expired, ended, someone else's)
   */
  Optional<SyncPage> syncPage(UUID user, UUID syncId, List<Entry> entries, boolean lastPage, Duration ttl,
      Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        UUID id = syncId;
        if (id == null) {
          id = UUID.randomUUID();
          try (PreparedStatement s = c.prepareStatement("DELETE FROM contact_syncs WHERE user_id = ?")) {
            s.setObject(1, user);
            s.executeUpdate();
          }
          try (PreparedStatement s = c.prepareStatement(
              "INSERT INTO contact_syncs (id, user_id, started_at, expires_at) VALUES (?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setObject(2, user);
            Sql.setInstant(s, 3, now);
            Sql.setInstant(s, 4, now.plus(ttl));
            s.executeUpdate();
          }
        } else {
          // Locks the sync, so that its last page cannot commit while another page is stored.
          try (PreparedStatement s = c.prepareStatement("UPDATE contact_syncs SET expires_at = ? "
              + "WHERE id = ? AND user_id = ? AND expires_at > ?")) {
            Sql.setInstant(s, 1, now.plus(ttl));
            s.setObject(2, id);
            s.setObject(3, user);
            Sql.setInstant(s, 4, now);
            if (s.executeUpdate() == 0) {
              c.rollback();
              return Optional.empty();
            }
          }
        }
        upsert(c, user, entries);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO contact_sync_numbers (sync_id, phone_number) "
            + "SELECT ?, n FROM unnest(?::varchar[]) AS n ON CONFLICT DO NOTHING")) {
          s.setObject(1, id);
          s.setArray(2, c.createArrayOf("varchar", entries.stream().map(Entry::phoneNumber).toArray()));
          s.executeUpdate();
        }
        int removed = 0;
        if (lastPage) {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM contacts c WHERE c.user_id = ? "
              + "AND NOT EXISTS (SELECT 1 FROM contact_sync_numbers n "
              + "WHERE n.sync_id = ? AND n.phone_number = c.contact_phone_number)")) {
            s.setObject(1, user);
            s.setObject(2, id);
            removed = s.executeUpdate();
          }
          try (PreparedStatement s = c.prepareStatement("DELETE FROM contact_syncs WHERE id = ?")) {
            s.setObject(1, id);
            s.executeUpdate();
          }
        }
        c.commit();
        return Optional.of(new SyncPage(id, removed));
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  /** Adds {@code adds} and then removes {@code removes} (E.164), in one transaction; returns how many went. */
  int update(UUID user, List<Entry> adds, Collection<String> removes) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        upsert(c, user, adds);
        int removed = 0;
        if (!removes.isEmpty()) {
          try (PreparedStatement s = c.prepareStatement(
              "DELETE FROM contacts WHERE user_id = ? AND contact_phone_number = ANY (?)")) {
            s.setObject(1, user);
            s.setArray(2, c.createArrayOf("varchar", removes.toArray()));
            removed = s.executeUpdate();
          }
        }
        c.commit();
        return removed;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  /** The stored entries of {@code numbers}, with their users. */
  List<Stored> find(UUID user, Collection<String> numbers) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + STORED_COLUMNS + " FROM contacts c "
            + "LEFT JOIN users u ON u.id = c.contact_user_id "
            + "WHERE c.user_id = ? AND c.contact_phone_number = ANY (?)")) {
      s.setObject(1, user);
      s.setArray(2, c.createArrayOf("varchar", numbers.toArray()));
      return read(s);
    }
  }

  /** Up to {@code limit} entries by phone number, after {@code afterNumber} (null: from the start). */
  List<Stored> page(UUID user, String afterNumber, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + STORED_COLUMNS + " FROM contacts c "
            + "LEFT JOIN users u ON u.id = c.contact_user_id "
            + "WHERE c.user_id = ? AND c.contact_phone_number COLLATE \"C\" > ? "
            + "ORDER BY c.contact_phone_number COLLATE \"C\" LIMIT ?")) {
      s.setObject(1, user);
      s.setString(2, afterNumber == null ? "" : afterNumber);
      s.setInt(3, limit);
      return read(s);
    }
  }

  /** Deletes syncs that expired before {@code now} (their numbers go with them). */
  int deleteExpiredSyncs(Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM contact_syncs WHERE expires_at <= ?")) {
      Sql.setInstant(s, 1, now);
      return s.executeUpdate();
    }
  }

  private static void upsert(Connection c, UUID user, List<Entry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT)) {
      for (Entry entry : entries) {
        s.setObject(1, user);
        s.setString(2, entry.phoneNumber());
        s.setString(3, entry.phoneNumber());
        s.setString(4, entry.displayName());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static List<Stored> read(PreparedStatement s) throws SQLException {
    List<Stored> stored = new ArrayList<>();
    try (ResultSet row = s.executeQuery()) {
      while (row.next()) {
        UUID userId = Sql.uuid(row, "id");
        User user = userId == null ? null : new User(userId, row.getString("phone_number"),
            row.getString("display_name"), row.getString("profile_picture_url"), row.getString("about_text"),
            Sql.instant(row, "last_seen_at"), Sql.instant(row, "created_at"), Sql.instant(row, "updated_at"));
        stored.add(new Stored(row.getString("contact_phone_number"), row.getString("display_name_override"), user));
      }
    }
    return stored;
  }
}
