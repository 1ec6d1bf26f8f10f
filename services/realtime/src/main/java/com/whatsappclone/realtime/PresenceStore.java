package com.whatsappclone.realtime;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Connected devices across all realtime instances ({@code realtime_connections}, V40) and
 * {@code users.last_seen_at}. A device is counted while its instance's heartbeat is fresh, so
 * the rows of an instance that died stop counting by themselves.
 */
final class PresenceStore {

  private static final String LOCK_USER = "SELECT pg_advisory_xact_lock(?)";
  private static final String INSERT =
      "INSERT INTO realtime_connections"
      + " (connection_id, user_id, instance_id, connected_at, heartbeat_at, session_id)"
      + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String DELETE = "DELETE FROM realtime_connections WHERE connection_id = ?";
  private static final String OTHERS_ONLINE =
      "SELECT EXISTS (SELECT 1 FROM realtime_connections"
      + " WHERE user_id = ? AND connection_id <> ? AND heartbeat_at > ?)";
  private static final String LAST_SEEN = "UPDATE users SET last_seen_at = ? WHERE id = ?";
  private static final String HEARTBEAT =
      "UPDATE realtime_connections SET heartbeat_at = ? WHERE instance_id = ?";
  private static final String DELETE_STALE = "DELETE FROM realtime_connections WHERE heartbeat_at < ?";
  private static final String DELETE_INSTANCE = "DELETE FROM realtime_connections WHERE instance_id = ?";

  // For many connecting devices at once (connectedMany): the users' locks in key order (two
  // batches never wait for each other in a circle), then who was online before them, then their rows.
  private static final String LOCK_USERS =
      "SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest(?::bigint[]) AS t(k) ORDER BY k) AS sorted";
  private static final String ONLINE_BEFORE =
      "SELECT t.user_id FROM unnest(?::uuid[], ?::bigint[]) AS t(user_id, live_micros)"
      + " WHERE EXISTS (SELECT 1 FROM realtime_connections c WHERE c.user_id = t.user_id"
      + " AND c.heartbeat_at > timestamptz 'epoch' + t.live_micros * interval '1 microsecond')";
  private static final String INSERT_MANY =
      "INSERT INTO realtime_connections"
      + " (connection_id, user_id, instance_id, connected_at, heartbeat_at, session_id)"
      + " SELECT connection_id, user_id, instance_id, timestamptz 'epoch' + now_micros * interval '1 microsecond',"
      + " timestamptz 'epoch' + now_micros * interval '1 microsecond', session_id"
      + " FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::uuid[])"
      + " AS t(connection_id, user_id, instance_id, now_micros, session_id)";

  /** A device connecting ({@link #connectedMany}); the parameters of {@link #connected}. */
  record Connecting(UUID connectionId, UUID userId, Optional<UUID> session, UUID instanceId,
      Instant now, Instant liveAfter) {}

  private final DataSource dataSource;

  PresenceStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records a connected device.
   *
   * @param session the signed-in device (the token's sid), so that push leaves it alone while it
   *     is connected; empty for tokens without sid
   * @param liveAfter heartbeats older than this belong to dead instances
   * @return whether it is the user's only live device anywhere (announce "online")
   */
  boolean connected(UUID connectionId, UUID userId, Optional<UUID> session, UUID instanceId,
      Instant now, Instant liveAfter) {
    return inUserTransaction(userId, "recording a connection", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setObject(1, connectionId);
        insert.setObject(2, userId);
        insert.setObject(3, instanceId);
        insert.setObject(4, now.atOffset(ZoneOffset.UTC));
        insert.setObject(5, now.atOffset(ZoneOffset.UTC));
        insert.setObject(6, session.orElse(null));
        insert.executeUpdate();
      }
      return !othersOnline(connection, connectionId, userId, liveAfter);
    });
  }

  /**
   * {@link #connected} for many devices in one transaction, as if one after the other in list
   * order: a user's first device of the list is its only live one if none was live before.
   *
   * @return per device, in the same order, whether it announces "online"
   * @throws SQLException for the caller to try them one by one ({@code GroupCommit})
   */
  List<Boolean> connectedMany(List<Connecting> devices) throws SQLException {
    Set<Long> keys = new TreeSet<>();
    devices.forEach(d -> keys.add(lockKey(d.userId())));
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock = connection.prepareStatement(LOCK_USERS)) {
          lock.setArray(1, connection.createArrayOf("bigint", keys.toArray()));
          lock.execute();
        }
        Set<UUID> onlineBefore = new HashSet<>();
        try (PreparedStatement online = connection.prepareStatement(ONLINE_BEFORE)) {
          online.setArray(1, connection.createArrayOf("uuid", devices.stream().map(Connecting::userId).toArray()));
          online.setArray(2, connection.createArrayOf("bigint", devices.stream().map(d -> micros(d.liveAfter())).toArray()));
          try (ResultSet rows = online.executeQuery()) {
            while (rows.next()) {
              onlineBefore.add(rows.getObject(1, UUID.class));
            }
          }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_MANY)) {
          insert.setArray(1, connection.createArrayOf("uuid", devices.stream().map(Connecting::connectionId).toArray()));
          insert.setArray(2, connection.createArrayOf("uuid", devices.stream().map(Connecting::userId).toArray()));
          insert.setArray(3, connection.createArrayOf("uuid", devices.stream().map(Connecting::instanceId).toArray()));
          insert.setArray(4, connection.createArrayOf("bigint", devices.stream().map(d -> micros(d.now())).toArray()));
          insert.setArray(5, connection.createArrayOf("uuid", devices.stream().map(d -> d.session().orElse(null)).toArray()));
          insert.executeUpdate();
        }
        connection.commit();
        List<Boolean> first = new ArrayList<>(devices.size());
        Set<UUID> seen = new HashSet<>(onlineBefore);
        devices.forEach(d -> first.add(seen.add(d.userId())));
        return first;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(connection, e);
        throw e;
      }
    }
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  /**
   * Forgets a device; when it was the user's last live one, stores last_seen_at.
   *
   * @return the last-seen time when the user is now offline everywhere (announce "offline")
   */
  Optional<Instant> disconnected(UUID connectionId, UUID userId, Instant now, Instant liveAfter) {
    return inUserTransaction(userId, "recording a disconnection", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
        delete.setObject(1, connectionId);
        delete.executeUpdate();
      }
      if (othersOnline(connection, connectionId, userId, liveAfter)) {
        return Optional.<Instant>empty();
      }
      try (PreparedStatement lastSeen = connection.prepareStatement(LAST_SEEN)) {
        lastSeen.setObject(1, now.atOffset(ZoneOffset.UTC));
        lastSeen.setObject(2, userId);
        lastSeen.executeUpdate();
      }
      return Optional.of(now);
    });
  }

  /** Confirms this instance's devices and deletes rows whose instance stopped confirming long ago. */
  void heartbeat(UUID instanceId, Instant now, Instant deleteBefore) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement beat = connection.prepareStatement(HEARTBEAT)) {
        beat.setObject(1, now.atOffset(ZoneOffset.UTC));
        beat.setObject(2, instanceId);
        beat.executeUpdate();
      }
      try (PreparedStatement stale = connection.prepareStatement(DELETE_STALE)) {
        stale.setObject(1, deleteBefore.atOffset(ZoneOffset.UTC));
        stale.executeUpdate();
      }
    } catch (SQLException e) {
      throw new DatabaseException("presence heartbeat", e);
    }
  }

  /** At shutdown, after the devices were told: this instance holds no connection any more. */
  void forgetInstance(UUID instanceId) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement delete = connection.prepareStatement(DELETE_INSTANCE)) {
      delete.setObject(1, instanceId);
      delete.executeUpdate();
    } catch (SQLException e) {
      throw new DatabaseException("forgetting this instance's connections", e);
    }
  }

  private static boolean othersOnline(Connection connection, UUID connectionId, UUID userId,
      Instant liveAfter) throws SQLException {
    try (PreparedStatement others = connection.prepareStatement(OTHERS_ONLINE)) {
      others.setObject(1, userId);
      others.setObject(2, connectionId);
      others.setObject(3, liveAfter.atOffset(ZoneOffset.UTC));
      try (ResultSet rows = others.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  private static long lockKey(UUID userId) {
    return userId.getMostSignificantBits() ^ userId.getLeastSignificantBits();
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * One transaction holding a per-user advisory lock: two devices of one user connecting (or
   * leaving) at once on two instances are counted one after the other, so exactly one of them
   * announces "online" (or "offline").
   */
  private <T> T inUserTransaction(UUID userId, String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock = connection.prepareStatement(LOCK_USER)) {
          lock.setLong(1, lockKey(userId));
          lock.execute();
        }
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollback(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(what, e);
    }
  }
}
