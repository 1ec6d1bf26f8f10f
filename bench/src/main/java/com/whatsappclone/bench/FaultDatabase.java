package com.whatsappclone.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What PostgreSQL holds for one scenario's conversations: a poller counting the stored messages
 * every 250 ms (the storing timeline: a stalled or stopped database simply shows as no progress),
 * and the final look at the messages and their delivery state (message_status.delivered_at, set
 * by realtime when the recipient's device acks).
 */
final class FaultDatabase implements AutoCloseable {

  /** The end state: client_message_id -> stored rows, stored message ids, and those marked delivered. */
  record Snapshot(Map<String, Integer> rowsPerClientId, Set<String> storedIds, Set<String> deliveredInDb,
      int undeliveredInDb) {}

  private final String url;
  private final String[] conversations;
  final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
  /** {time, count of conversation 0, count of conversation 1, ...} */
  final ConcurrentLinkedQueue<long[]> perConversation = new ConcurrentLinkedQueue<>();
  private final Map<String, Integer> indexOf = new HashMap<>();
  final AtomicLong pollErrors = new AtomicLong();
  private final Thread poller;
  private volatile boolean closed;
  private Connection connection;

  FaultDatabase(String jdbcUrl, String[] conversations) {
    this.url = jdbcUrl + "?connectTimeout=2&socketTimeout=30&ApplicationName=fault-suite";
    this.conversations = conversations;
    for (int i = 0; i < conversations.length; i++) {
      indexOf.put(conversations[i], i);
    }
    this.poller = new Thread(this::poll, "faults-stored-poller");
    poller.setDaemon(true);
  }

  void start() {
    poller.start();
  }

  private void poll() {
    while (!closed) {
      try {
        long[] counts = countPerConversation();
        long now = System.nanoTime();
        samples.add(new long[] {now, java.util.Arrays.stream(counts).sum()});
        long[] row = new long[counts.length + 1];
        row[0] = now;
        System.arraycopy(counts, 0, row, 1, counts.length);
        perConversation.add(row);
      } catch (SQLException e) {
        pollErrors.incrementAndGet();
        closeConnection();
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = DriverManager.getConnection(url, "bench", "bench");
    }
    return connection;
  }

  private synchronized void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // broken already
      }
      connection = null;
    }
  }

  /** Stored messages of each conversation, in the order of {@code conversations}. */
  private synchronized long[] countPerConversation() throws SQLException {
    long[] counts = new long[conversations.length];
    try (PreparedStatement statement = connection().prepareStatement(
        "SELECT conversation_id::text, count(*) FROM messages WHERE conversation_id = ANY (?::uuid[])"
            + " GROUP BY conversation_id")) {
      statement.setArray(1, array());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Integer index = indexOf.get(rows.getString(1));
          if (index != null) {
            counts[index] = rows.getLong(2);
          }
        }
      }
    }
    return counts;
  }

  private Array array() throws SQLException {
    return connection().createArrayOf("text", conversations);
  }

  synchronized Snapshot snapshot() throws SQLException {
    Map<String, Integer> perClientId = new HashMap<>();
    Set<String> stored = new HashSet<>();
    try (PreparedStatement statement = connection().prepareStatement(
        "SELECT id::text, client_message_id FROM messages WHERE conversation_id = ANY (?::uuid[])")) {
      statement.setArray(1, array());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          stored.add(rows.getString(1));
          perClientId.merge(String.valueOf(rows.getString(2)), 1, Integer::sum);
        }
      }
    }
    Set<String> delivered = new HashSet<>();
    int undelivered = 0;
    try (PreparedStatement statement = connection().prepareStatement(
        "SELECT ms.message_id::text, ms.delivered_at IS NOT NULL FROM message_status ms"
            + " JOIN messages m ON m.id = ms.message_id WHERE m.conversation_id = ANY (?::uuid[])")) {
      statement.setArray(1, array());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (rows.getBoolean(2)) {
            delivered.add(rows.getString(1));
          } else {
            undelivered++;
          }
        }
      }
    }
    return new Snapshot(perClientId, stored, delivered, undelivered);
  }

  @Override
  public void close() {
    closed = true;
    poller.interrupt();
    try {
      poller.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }
}
