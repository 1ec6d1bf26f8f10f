package com.whatsappclone.auth;

import com.whatsappclone.common.privacy.Audience;
import com.whatsappclone.common.privacy.PrivacySettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code user_privacy_settings}: auth writes a user's own settings; the other services read them
 * through common's PrivacyStore. A user without a row has {@link PrivacySettings#DEFAULTS}.
 */
final class PrivacySettingsStore {

  /** The settings to change; null fields stay as they are. */
  record Change(Audience lastSeen, Audience profilePhoto, Audience about, Audience statuses, Boolean readReceipts) {

    boolean isEmpty() {
      return lastSeen == null && profilePhoto == null && about == null && statuses == null && readReceipts == null;
    }
  }

  private static final String COLUMNS = "last_seen, profile_photo, about, statuses, read_receipts";

  private final DataSource dataSource;

  PrivacySettingsStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  PrivacySettings get(UUID user) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM user_privacy_settings WHERE user_id = ?")) {
      s.setObject(1, user);
      try (ResultSet row = s.executeQuery()) {
        return row.next() ? read(row) : PrivacySettings.DEFAULTS;
      }
    }
  }

  /** Applies {@code change}: a user's first change makes the row, from the defaults. */
  PrivacySettings update(UUID user, Change change, Instant now) throws SQLException {
    PrivacySettings d = PrivacySettings.DEFAULTS;
    String sql = "INSERT INTO user_privacy_settings AS p (user_id, " + COLUMNS + ", updated_at) "
        + "VALUES (?, COALESCE(?, ?), COALESCE(?, ?), COALESCE(?, ?), COALESCE(?, ?), COALESCE(?, ?), ?) "
        + "ON CONFLICT (user_id) DO UPDATE SET "
        + "last_seen = COALESCE(?, p.last_seen), profile_photo = COALESCE(?, p.profile_photo), "
        + "about = COALESCE(?, p.about), statuses = COALESCE(?, p.statuses), "
        + "read_receipts = COALESCE(?, p.read_receipts), updated_at = ? "
        + "RETURNING " + COLUMNS;
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      s.setObject(i++, user);
      setAudience(s, i++, change.lastSeen());
      s.setString(i++, d.lastSeen().wireName());
      setAudience(s, i++, change.profilePhoto());
      s.setString(i++, d.profilePhoto().wireName());
      setAudience(s, i++, change.about());
      s.setString(i++, d.about().wireName());
      setAudience(s, i++, change.statuses());
      s.setString(i++, d.statuses().wireName());
      setFlag(s, i++, change.readReceipts());
      s.setBoolean(i++, d.readReceipts());
      Sql.setInstant(s, i++, now);
      setAudience(s, i++, change.lastSeen());
      setAudience(s, i++, change.profilePhoto());
      setAudience(s, i++, change.about());
      setAudience(s, i++, change.statuses());
      setFlag(s, i++, change.readReceipts());
      Sql.setInstant(s, i, now);
      try (ResultSet row = s.executeQuery()) {
        row.next();
        return read(row);
      }
    }
  }

  private static void setAudience(PreparedStatement s, int index, Audience audience) throws SQLException {
    if (audience == null) {
      s.setNull(index, Types.VARCHAR);
    } else {
      s.setString(index, audience.wireName());
    }
  }

  private static void setFlag(PreparedStatement s, int index, Boolean flag) throws SQLException {
    if (flag == null) {
      s.setNull(index, Types.BOOLEAN);
    } else {
      s.setBoolean(index, flag);
    }
  }

  private static PrivacySettings read(ResultSet row) throws SQLException {
    return PrivacySettings.fromColumns(row.getString("last_seen"), row.getString("profile_photo"),
        row.getString("about"), row.getString("statuses"), row.getBoolean("read_receipts"));
  }
}
