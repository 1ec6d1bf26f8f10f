package com.whatsappclone.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * status_updates and status_views.
 *
 * <p>Storage: {@code content_or_url} holds the text of a text status and the URL of an image/video
 * status; {@code caption} (added by V20) holds a media status's optional caption.
 *
 * <p>Every read takes "now" and applies expiry in SQL, so that an expired row never leaves the
 * database. Who may see whose statuses (the author's statuses setting, address book and blocks,
 * issue 17) is {@link StatusService}'s rule, asked of {@code PrivacyStore}; this store only
 * names the feed's candidate authors ({@link #feedCandidates}).
 */
public final class StatusStore {

  /** PostgreSQL's foreign_key_violation. */
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  /** The status row as the caller {@code ?} sees it: view count for the author only, own view flag. */
  private static final String COLUMNS_FOR_CALLER = """
      s.id, s.user_id, s.content_type, s.content_or_url, s.caption, s.created_at, s.expires_at,
      CASE WHEN s.user_id = ?
           THEN (SELECT count(*) FROM status_views c WHERE c.status_id = s.id) END AS view_count,
      EXISTS (SELECT 1 FROM status_views v WHERE v.status_id = s.id AND v.user_id = ?) AS viewed
      """;

  private final DataSource dataSource;

  public StatusStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Thrown by {@link #insert} when the author has no users row. */
  public static final class UnknownAuthorException extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownAuthorException(Throwable cause) {
      super("the author has no users row", cause);
    }
  }

  public void insert(UUID id, UUID authorId, StatusDraft draft, Instant createdAt, Instant expiresAt)
      throws SQLException, UnknownAuthorException {
    String sql = "INSERT INTO status_updates "
        + "(id, user_id, content_type, content_or_url, caption, created_at, expires_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?)";
    boolean media = draft.contentType().isMedia();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      s.setObject(2, authorId);
      s.setString(3, draft.contentType().wireName());
      s.setString(4, media ? draft.mediaUrl() : draft.content());
      s.setString(5, media && !draft.content().isEmpty() ? draft.content() : null);
      setInstant(s, 6, createdAt);
      setInstant(s, 7, expiresAt);
      s.executeUpdate();
    } catch (SQLException e) {
      if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
        throw new UnknownAuthorException(e);
      }
      throw e;
    }
  }

  /** The author's statuses unexpired at {@code now}, oldest first, as {@code caller} sees them. */
  public List<StatusUpdate> listByAuthor(UUID caller, UUID authorId, Instant now) throws SQLException {
    String sql = "SELECT " + COLUMNS_FOR_CALLER + " FROM status_updates s"
        + " WHERE s.user_id = ? AND s.expires_at > ?"
        + " ORDER BY s.created_at, s.id";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int i = bindCaller(s, 1, caller);
      s.setObject(i++, authorId);
      setInstant(s, i, now);
      return readAll(s);
    }
  }

  /**
   * The authors other than the caller who have a status unexpired at {@code now} and either share
   * a conversation with the caller or have the caller in their address book: whose statuses the
   * feed may show, before their privacy settings are applied. Starts from the caller's
   * conversations and from the address books naming the caller (both indexed), so its cost
   * follows the caller's contacts, not the number of statuses.
   */
  public List<UUID> feedCandidates(UUID caller, Instant now) throws SQLException {
    String sql = "SELECT DISTINCT s.user_id FROM status_updates s"
        + " WHERE s.expires_at > ? AND s.user_id <> ?"
        + "   AND s.user_id IN (SELECT theirs.user_id"
        + "                       FROM conversation_participants mine"
        + "                       JOIN conversation_participants theirs"
        + "                         ON theirs.conversation_id = mine.conversation_id"
        + "                      WHERE mine.user_id = ?"
        + "                     UNION"
        + "                     SELECT c.user_id FROM contacts c WHERE c.contact_user_id = ?)";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      setInstant(s, 1, now);
      s.setObject(2, caller);
      s.setObject(3, caller);
      s.setObject(4, caller);
      List<UUID> authors = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          authors.add(rows.getObject(1, UUID.class));
        }
      }
      return authors;
    }
  }

  /** The statuses of these authors unexpired at {@code now}, as the caller sees them, by author then oldest first. */
  public List<StatusUpdate> listFeed(UUID caller, Collection<UUID> authors, Instant now) throws SQLException {
    if (authors.isEmpty()) {
      return List.of();
    }
    String sql = "SELECT " + COLUMNS_FOR_CALLER + " FROM status_updates s"
        + " WHERE s.user_id = ANY (?) AND s.expires_at > ?"
        + " ORDER BY s.user_id, s.created_at, s.id";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int i = bindCaller(s, 1, caller);
      s.setArray(i++, c.createArrayOf("uuid", authors.toArray()));
      setInstant(s, i, now);
      return readAll(s);
    }
  }

  /** The status, when it exists and is unexpired at {@code now}, as the caller sees it. */
  public Optional<StatusUpdate> findUnexpired(UUID caller, UUID statusId, Instant now) throws SQLException {
    String sql = "SELECT " + COLUMNS_FOR_CALLER + " FROM status_updates s"
        + " WHERE s.id = ? AND s.expires_at > ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int i = bindCaller(s, 1, caller);
      s.setObject(i++, statusId);
      setInstant(s, i, now);
      List<StatusUpdate> rows = readAll(s);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  /**
   * Records the viewer's view unless one is recorded already, in one statement.
   *
   * @return when the viewer first viewed it, and whether this call recorded it; empty when the
   *     status was deleted meanwhile
   */
  public Optional<RecordedView> recordView(UUID statusId, UUID viewerId, Instant viewedAt) throws SQLException {
    // Both branches read the statement's snapshot, so exactly one of them yields a row: the new
    // view, or the earlier one that made ON CONFLICT skip the insert.
    String sql = """
        WITH inserted AS (
          INSERT INTO status_views (status_id, user_id, viewed_at) VALUES (?, ?, ?)
          ON CONFLICT (status_id, user_id) DO NOTHING
          RETURNING viewed_at)
        SELECT viewed_at, true FROM inserted
        UNION ALL
        SELECT viewed_at, false FROM status_views WHERE status_id = ? AND user_id = ?
        """;
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, statusId);
      s.setObject(2, viewerId);
      setInstant(s, 3, viewedAt);
      s.setObject(4, statusId);
      s.setObject(5, viewerId);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(new RecordedView(instant(rows, 1), rows.getBoolean(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** When the viewer first viewed a status; {@code first} when this call recorded it. */
  public record RecordedView(Instant viewedAt, boolean first) {}

  /** Who viewed the status, most recent first. */
  public List<StatusViewer> listViewers(UUID statusId) throws SQLException {
    String sql = "SELECT user_id, viewed_at FROM status_views WHERE status_id = ?"
        + " ORDER BY viewed_at DESC, user_id";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, statusId);
      List<StatusViewer> viewers = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          viewers.add(new StatusViewer(rows.getObject(1, UUID.class), instant(rows, 2)));
        }
      }
      return viewers;
    }
  }

  /** Deletes the author's status and (by the V20 cascade) its views; false when there was none. */
  public boolean delete(UUID statusId, UUID authorId) throws SQLException {
    String sql = "DELETE FROM status_updates WHERE id = ? AND user_id = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, statusId);
      s.setObject(2, authorId);
      return s.executeUpdate() > 0;
    }
  }

  /**
   * Deletes up to {@code limit} statuses that expired before {@code cutoff}, and their views (by
   * the V20 cascade), in one short transaction. SKIP LOCKED lets several instances run the
   * cleanup at once without waiting on each other's batches.
   *
   * @return how many statuses were deleted
   */
  public int deleteExpiredBatch(Instant cutoff, int limit) throws SQLException {
    String sql = "DELETE FROM status_updates WHERE id IN ("
        + " SELECT id FROM status_updates WHERE expires_at < ?"
        + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      setInstant(s, 1, cutoff);
      s.setInt(2, limit);
      return s.executeUpdate();
    }
  }

  private static int bindCaller(PreparedStatement s, int index, UUID caller) throws SQLException {
    s.setObject(index, caller);
    s.setObject(index + 1, caller);
    return index + 2;
  }

  private static List<StatusUpdate> readAll(PreparedStatement s) throws SQLException {
    List<StatusUpdate> statuses = new ArrayList<>();
    try (ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        statuses.add(read(rows));
      }
    }
    return statuses;
  }

  private static StatusUpdate read(ResultSet row) throws SQLException {
    ContentType type = ContentType.fromDatabase(row.getString("content_type"));
    String contentOrUrl = nullToEmpty(row.getString("content_or_url"));
    long viewCount = row.getLong("view_count");
    Integer views = row.wasNull() ? null : (int) Math.min(viewCount, Integer.MAX_VALUE);
    return new StatusUpdate(
        row.getObject("id", UUID.class),
        row.getObject("user_id", UUID.class),
        type,
        type.isMedia() ? nullToEmpty(row.getString("caption")) : contentOrUrl,
        type.isMedia() ? contentOrUrl : "",
        instant(row, "created_at"),
        instant(row, "expires_at"),
        views,
        row.getBoolean("viewed"));
  }

  // OffsetDateTime maps to timestamptz exactly; java.sql.Timestamp would go through the JVM's zone.
  private static void setInstant(PreparedStatement s, int index, Instant instant) throws SQLException {
    s.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
