package com.whatsappclone.auth;

import com.github.f4b6a3.uuid.UuidCreator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The users table. */
final class UserStore {

  private static final String COLUMNS =
      "id, phone_number, display_name, profile_picture_url, about_text, last_seen_at, created_at, updated_at";

  private final DataSource dataSource;

  UserStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A user found or created by {@link #findOrCreate}; {@code created} is true for a first login. */
  record FoundUser(User user, boolean created) {}

  /**
   * The user with this phone number, created if there is none. Race-safe: two first logins of
   * one number at once both insert with ON CONFLICT DO NOTHING; the one that loses the race then
   * reads the row the winner committed (under READ COMMITTED the conflict check waits for the
   * winner's transaction, so the row is visible to the next statement). On the caller's
   * connection: a sign-in runs it in the transaction that records the new session.
   */
  static FoundUser findOrCreate(Connection c, String phoneNumber, Instant now) throws SQLException {
    // One statement, so one round trip and atomic on its own: a new user is
    // linked into the address books that already had the number, so there is no moment when the
    // user exists and those contacts miss them. For an existing user it inserts and links nothing.
    // A returning user (the common sign-in) comes back from the same statement: its row is in the
    // statement's snapshot. Only a user another sign-in created concurrently is not (the conflict
    // check waited for that commit, the snapshot is older): the SELECT after it finds that one
    // (READ COMMITTED: each statement has a snapshot of its own, in a transaction too).
    String insert = "WITH created AS (INSERT INTO users (id, phone_number, created_at, updated_at) VALUES (?, ?, ?, ?) "
        + "ON CONFLICT (phone_number) DO NOTHING RETURNING " + COLUMNS + "), "
        + "linked AS (UPDATE contacts SET contact_user_id = created.id FROM created "
        + "WHERE contacts.contact_phone_number = created.phone_number AND contacts.contact_user_id IS NULL) "
        + "SELECT " + COLUMNS + ", true AS created FROM created "
        + "UNION ALL SELECT " + COLUMNS + ", false FROM users WHERE phone_number = ? AND NOT EXISTS (SELECT 1 FROM created)";
    try (PreparedStatement s = c.prepareStatement(insert)) {
      s.setObject(1, UuidCreator.getTimeOrderedEpoch());
      s.setString(2, phoneNumber);
      Sql.setInstant(s, 3, now);
      Sql.setInstant(s, 4, now);
      s.setString(5, phoneNumber);
      try (ResultSet row = s.executeQuery()) {
        if (row.next()) {
          return new FoundUser(read(row), row.getBoolean("created"));
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE phone_number = ?")) {
      s.setString(1, phoneNumber);
      try (ResultSet row = s.executeQuery()) {
        if (!row.next()) {
          // Only possible if the row was deleted between the two statements.
          throw new SQLException("user for the phone number vanished during find-or-create");
        }
        return new FoundUser(read(row), false);
      }
    }
  }

  /** The users of {@code ids} that exist, in no particular order. */
  List<User> findByIds(Collection<UUID> ids) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      List<User> found = new ArrayList<>();
      try (ResultSet row = s.executeQuery()) {
        while (row.next()) {
          found.add(read(row));
        }
      }
      return found;
    }
  }

  Optional<User> findById(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet row = s.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  /** Applies the present fields of {@code update}; empty when there is no such user. */
  Optional<User> updateProfile(UUID id, ProfileUpdate update, Instant now) throws SQLException {
    List<String> assignments = new ArrayList<>();
    List<String> values = new ArrayList<>();
    addAssignment(assignments, values, "display_name", update.displayName());
    addAssignment(assignments, values, "about_text", update.aboutText());
    addAssignment(assignments, values, "profile_picture_url", update.profilePictureUrl());
    assignments.add("updated_at = ?");
    String sql = "UPDATE users SET " + String.join(", ", assignments) + " WHERE id = ? RETURNING " + COLUMNS;
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int index = 1;
      for (String value : values) {
        // "" clears the field: NULL, as for a user who never set it.
        s.setString(index++, value.isEmpty() ? null : value);
      }
      Sql.setInstant(s, index++, now);
      s.setObject(index, id);
      try (ResultSet row = s.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  private static void addAssignment(List<String> assignments, List<String> values, String column, String value) {
    if (value != null) {
      assignments.add(column + " = ?");
      values.add(value);
    }
  }

  private static User read(ResultSet row) throws SQLException {
    return new User(
        Sql.uuid(row, "id"),
        row.getString("phone_number"),
        row.getString("display_name"),
        row.getString("profile_picture_url"),
        row.getString("about_text"),
        Sql.instant(row, "last_seen_at"),
        Sql.instant(row, "created_at"),
        Sql.instant(row, "updated_at"));
  }
}
