package com.whatsappclone.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** {@code blocked_users} (the original's table): auth writes it, the other services read it (PrivacyStore). */
final class BlockStore {

  /** One block: whom, since when. */
  record Block(UUID blocked, Instant blockedAt) {}

  /** Where a page of blocks ends: the last one listed. */
  record Cursor(Instant blockedAt, UUID blocked) {}

  private final DataSource dataSource;

  BlockStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Blocks {@code blocked} if that user exists; blocking again keeps the first block's time.
   *
   * @return false when there is no such user
   */
  boolean block(UUID blocker, UUID blocked, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO blocked_users (blocker_user_id, blocked_user_id, created_at) "
          + "SELECT ?, u.id, ? FROM users u WHERE u.id = ? ON CONFLICT DO NOTHING")) {
        s.setObject(1, blocker);
        Sql.setInstant(s, 2, now);
        s.setObject(3, blocked);
        if (s.executeUpdate() == 1) {
          return true;
        }
      }
      // Nothing inserted: already blocked, or no such user.
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM users WHERE id = ?")) {
        s.setObject(1, blocked);
        try (ResultSet row = s.executeQuery()) {
          return row.next();
        }
      }
    }
  }

  /** Unblocks; false when there was no block. */
  boolean unblock(UUID blocker, UUID blocked) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "DELETE FROM blocked_users WHERE blocker_user_id = ? AND blocked_user_id = ?")) {
      s.setObject(1, blocker);
      s.setObject(2, blocked);
      return s.executeUpdate() > 0;
    }
  }

  /** Up to {@code limit} of {@code blocker}'s blocks, most recent first, after {@code after} (null: from the start). */
  List<Block> page(UUID blocker, Cursor after, int limit) throws SQLException {
    String sql = "SELECT blocked_user_id, created_at FROM blocked_users WHERE blocker_user_id = ? "
        + (after == null ? "" : "AND (created_at, blocked_user_id) < (?, ?) ")
        + "ORDER BY created_at DESC, blocked_user_id DESC LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int index = 1;
      s.setObject(index++, blocker);
      if (after != null) {
        Sql.setInstant(s, index++, after.blockedAt());
        s.setObject(index++, after.blocked());
      }
      s.setInt(index, limit);
      List<Block> blocks = new ArrayList<>();
      try (ResultSet row = s.executeQuery()) {
        while (row.next()) {
          blocks.add(new Block(Sql.uuid(row, "blocked_user_id"), Sql.instant(row, "created_at")));
        }
      }
      return blocks;
    }
  }
}
