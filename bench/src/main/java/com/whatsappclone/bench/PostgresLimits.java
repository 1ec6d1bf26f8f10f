package com.whatsappclone.bench;

import com.github.f4b6a3.uuid.UuidCreator;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How fast this PostgreSQL stores message rows, whatever the services do: the same columns,
 * indexes and constraints as {@code messages} (a copy in a scratch schema, dropped afterwards),
 * written one row per autocommitted INSERT (the original's pattern) and in the message worker's
 * batches (one multi-row {@code unnest} INSERT of 500 rows per transaction).
 */
final class PostgresLimits {

  static final int BATCH_ROWS = 500;
  private static final int CONVERSATIONS = 625;
  private static final long MAX_ROWS = 2_000_000;

  private static final String SINGLE_INSERT = "INSERT INTO %s.messages (id, conversation_id, sender_id, content,"
      + " media_url, media_type, client_message_id, created_at, seq) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)";
  /** The message worker's statement (MessageBatchStore.INSERT_MESSAGES), on the scratch table. */
  private static final String BATCH_INSERT = "INSERT INTO %s.messages (id, conversation_id, sender_id, content,"
      + " media_url, media_type, client_message_id, created_at, seq)"
      + " SELECT id, conversation_id, sender_id, content, media_url, media_type, client_message_id,"
      + " timestamptz 'epoch' + created_at_micros * interval '1 microsecond', seq"
      + " FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],"
      + " ?::bigint[], ?::bigint[]) AS t(id, conversation_id, sender_id, content, media_url,"
      + " media_type, client_message_id, created_at_micros, seq)"
      + " ON CONFLICT DO NOTHING RETURNING id";

  private final BenchStack.Jdbc jdbc;
  private final String content;
  private final Duration each;
  private final String schema = "bench_scratch_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  private final UUID[] conversations = new UUID[CONVERSATIONS];
  private final UUID[] senders = new UUID[CONVERSATIONS];
  private final AtomicLong nextRow = new AtomicLong();

  private PostgresLimits(BenchStack.Jdbc jdbc, int payloadBytes, Duration each) {
    this.jdbc = jdbc;
    this.content = "x".repeat(payloadBytes);
    this.each = each;
    for (int i = 0; i < CONVERSATIONS; i++) {
      conversations[i] = UUID.randomUUID();
      senders[i] = UUID.randomUUID();
    }
  }

  static Map<String, Object> run(BenchStack.Jdbc jdbc, int payloadBytes, Duration each) throws SQLException,
      InterruptedException {
    return new PostgresLimits(jdbc, payloadBytes, each).measure();
  }

  private Map<String, Object> measure() throws SQLException, InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (Connection admin = connect()) {
      try (Statement statement = admin.createStatement()) {
        statement.execute("CREATE SCHEMA " + schema);
        statement.execute("CREATE TABLE " + schema + ".messages (LIKE public.messages INCLUDING ALL)");
      }
      try {
        out.put("table", "copy of messages (same columns, indexes and constraints, no foreign keys)");
        out.put("payloadBytes", content.length());
        out.put("singleRowAutocommit1Connection", singleRows(1));
        out.put("singleRowAutocommit8Connections", singleRows(8));
        out.put("batched500RowsPerTransaction", batched());
        try (Statement statement = admin.createStatement();
            ResultSet rows = statement.executeQuery("SHOW synchronous_commit")) {
          rows.next();
          out.put("synchronousCommit", rows.getString(1));
        }
      } finally {
        try (Statement statement = admin.createStatement()) {
          statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
    return out;
  }

  private Map<String, Object> singleRows(int connections) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + each.toNanos();
    AtomicLong written = new AtomicLong();
    AtomicReference<SQLException> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < connections; t++) {
      Thread thread = new Thread(() -> {
        try (Connection connection = connect();
            PreparedStatement insert = connection.prepareStatement(String.format(SINGLE_INSERT, schema))) {
          connection.setAutoCommit(true);
          while (System.nanoTime() < deadline) {
            long row = nextRow.getAndIncrement();
            if (row >= MAX_ROWS) {
              return;
            }
            int conversation = (int) (row % CONVERSATIONS);
            insert.setObject(1, UuidCreator.getTimeOrderedEpoch());
            insert.setObject(2, conversations[conversation]);
            insert.setObject(3, senders[conversation]);
            insert.setString(4, content);
            insert.setString(5, "c" + row);
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            insert.setLong(7, row / CONVERSATIONS + 1);
            insert.executeUpdate();
            written.incrementAndGet();
          }
        } catch (SQLException e) {
          failure.compareAndSet(null, e);
        }
      }, "bench-pg-" + t);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join(each.toMillis() + 30_000);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return rate(written.get(), System.nanoTime() - start, connections);
  }

  private Map<String, Object> batched() throws SQLException {
    long deadline = System.nanoTime() + each.toNanos();
    long written = 0;
    long start = System.nanoTime();
    try (Connection connection = connect();
        PreparedStatement insert = connection.prepareStatement(String.format(BATCH_INSERT, schema))) {
      connection.setAutoCommit(false);
      while (System.nanoTime() < deadline && nextRow.get() < MAX_ROWS) {
        Object[] ids = new Object[BATCH_ROWS];
        Object[] conversationIds = new Object[BATCH_ROWS];
        Object[] senderIds = new Object[BATCH_ROWS];
        Object[] contents = new Object[BATCH_ROWS];
        Object[] nulls = new Object[BATCH_ROWS];
        Object[] clientIds = new Object[BATCH_ROWS];
        Object[] micros = new Object[BATCH_ROWS];
        Object[] seqs = new Object[BATCH_ROWS];
        long nowMicros = Instant.now().toEpochMilli() * 1000;
        for (int i = 0; i < BATCH_ROWS; i++) {
          long row = nextRow.getAndIncrement();
          int conversation = (int) (row % CONVERSATIONS);
          ids[i] = UuidCreator.getTimeOrderedEpoch();
          conversationIds[i] = conversations[conversation];
          senderIds[i] = senders[conversation];
          contents[i] = content;
          clientIds[i] = "c" + row;
          micros[i] = nowMicros + i;
          seqs[i] = row / CONVERSATIONS + 1;
        }
        insert.setArray(1, array(connection, "uuid", ids));
        insert.setArray(2, array(connection, "uuid", conversationIds));
        insert.setArray(3, array(connection, "uuid", senderIds));
        insert.setArray(4, array(connection, "text", contents));
        insert.setArray(5, array(connection, "text", nulls));
        insert.setArray(6, array(connection, "text", nulls));
        insert.setArray(7, array(connection, "text", clientIds));
        insert.setArray(8, array(connection, "bigint", micros));
        insert.setArray(9, array(connection, "bigint", seqs));
        int inserted = 0;
        try (ResultSet rows = insert.executeQuery()) {
          while (rows.next()) {
            inserted++;
          }
        }
        connection.commit();
        written += inserted;
      }
    }
    Map<String, Object> out = rate(written, System.nanoTime() - start, 1);
    out.put("rowsPerTransaction", BATCH_ROWS);
    return out;
  }

  private static Array array(Connection connection, String type, Object[] values) throws SQLException {
    return connection.createArrayOf(type, values);
  }

  private static Map<String, Object> rate(long rows, long nanos, int connections) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("connections", connections);
    out.put("rows", rows);
    out.put("seconds", ResourceMonitor.round2(nanos / 1e9));
    out.put("rowsPerSecond", Math.round(rows / (nanos / 1e9)));
    return out;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
  }
}
