package com.whatsappclone.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How much work one message causes below the services: PostgreSQL commits and WAL flushes
 * ({@code pg_stat_database}, {@code pg_stat_wal}), the statements that took the server's time
 * ({@code pg_stat_statements}, where the server loads it: the embedded one does) and Kafka
 * records written per topic (the in-process broker's {@code BrokerTopicMetrics}). Readings that
 * are not available (a remote deployment) are left out.
 */
final class WorkCounters implements AutoCloseable {

  /** How many statements {@link #perMessage} lists, the costliest first. */
  static final int TOP_STATEMENTS = 10;

  /** One reading: database counters (or -1), statement totals by query id and records in per topic. */
  record Reading(long commits, long walSyncs, Map<Long, StatementTotals> statements,
      Map<String, Long> kafkaRecords) {}

  /** A normalised statement's running totals (pg_stat_statements: wall time inside the server). */
  record StatementTotals(String query, long calls, long rows, double execMillis) {}

  private final Connection database;
  private final boolean statements;

  private WorkCounters(Connection database, boolean statements) {
    this.database = database;
    this.statements = statements;
  }

  /**
   * @param createStatementStatistics whether this bench may CREATE EXTENSION pg_stat_statements
   *     (its own embedded stack's database); otherwise it is only read if already there
   */
  static WorkCounters open(Optional<BenchStack.Jdbc> jdbc, boolean createStatementStatistics) {
    if (jdbc.isEmpty()) {
      return new WorkCounters(null, false);
    }
    Connection connection;
    try {
      connection = DriverManager.getConnection(jdbc.get().url(), jdbc.get().user(), jdbc.get().password());
    } catch (SQLException e) {
      return new WorkCounters(null, false);
    }
    return new WorkCounters(connection, statementStatistics(connection, createStatementStatistics));
  }

  private static boolean statementStatistics(Connection connection, boolean create) {
    try (Statement statement = connection.createStatement()) {
      if (create) {
        statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      }
      // Fails unless the extension exists and the server preloads its library.
      statement.executeQuery("SELECT 1 FROM pg_stat_statements LIMIT 1").close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  Reading read() {
    long commits = -1;
    long walSyncs = -1;
    if (database != null) {
      try (Statement statement = database.createStatement()) {
        // Statistics are cached per transaction; a fresh snapshot for every reading.
        statement.execute("SELECT pg_stat_clear_snapshot()");
        try (ResultSet rows = statement.executeQuery(
            "SELECT sum(xact_commit) FROM pg_stat_database")) {
          if (rows.next()) {
            commits = rows.getLong(1);
          }
        }
        try (ResultSet rows = statement.executeQuery("SELECT wal_sync FROM pg_stat_wal")) {
          if (rows.next()) {
            walSyncs = rows.getLong(1);
          }
        }
      } catch (SQLException e) {
        // an older server without pg_stat_wal: leave what could not be read at -1
      }
    }
    return new Reading(commits, walSyncs, statementTotals(), kafkaRecordsIn());
  }

  private Map<Long, StatementTotals> statementTotals() {
    Map<Long, StatementTotals> out = new HashMap<>();
    if (!statements) {
      return out;
    }
    try (Statement statement = database.createStatement();
         ResultSet rows = statement.executeQuery("SELECT queryid, calls, rows, total_exec_time, query"
             + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
             + " AND queryid IS NOT NULL")) {
      while (rows.next()) {
        out.merge(rows.getLong(1), new StatementTotals(rows.getString(5), rows.getLong(2), rows.getLong(3),
            rows.getDouble(4)), (a, b) -> new StatementTotals(a.query(), a.calls() + b.calls(),
            a.rows() + b.rows(), a.execMillis() + b.execMillis()));
      }
    } catch (SQLException e) {
      // the statistics went away (reset by hand, extension dropped): no statement figures
    }
    return out;
  }

  /** Per message sent between two readings. */
  static Map<String, Object> perMessage(Reading from, Reading to, long messages) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (messages <= 0) {
      return out;
    }
    if (from.commits() >= 0 && to.commits() >= 0) {
      out.put("postgresCommits", round1((to.commits() - from.commits()) / (double) messages));
    }
    if (from.walSyncs() >= 0 && to.walSyncs() >= 0) {
      out.put("postgresWalFlushes", round1((to.walSyncs() - from.walSyncs()) / (double) messages));
    }
    statementsPerMessage(from, to, messages, out);
    Map<String, Object> kafka = new TreeMap<>();
    long total = 0;
    for (Map.Entry<String, Long> topic : to.kafkaRecords().entrySet()) {
      long delta = topic.getValue() - from.kafkaRecords().getOrDefault(topic.getKey(), 0L);
      if (delta > 0) {
        kafka.put(topic.getKey(), round1(delta / (double) messages));
        total += delta;
      }
    }
    if (!kafka.isEmpty()) {
      out.put("kafkaRecords", round1(total / (double) messages));
      out.put("kafkaRecordsByTopic", kafka);
    }
    return out;
  }

  /**
   * The server's execution time per message sent in all, and the {@link #TOP_STATEMENTS}
   * statements that took most of it (this bench's own readings left out).
   */
  private static void statementsPerMessage(Reading from, Reading to, long messages, Map<String, Object> out) {
    List<StatementTotals> deltas = new ArrayList<>();
    double totalMillis = 0;
    for (Map.Entry<Long, StatementTotals> entry : to.statements().entrySet()) {
      StatementTotals now = entry.getValue();
      StatementTotals before = from.statements().get(entry.getKey());
      long calls = now.calls() - (before == null ? 0 : before.calls());
      if (calls <= 0 || now.query().contains("pg_stat_")) {
        continue;
      }
      StatementTotals delta = new StatementTotals(now.query(), calls,
          now.rows() - (before == null ? 0 : before.rows()),
          now.execMillis() - (before == null ? 0 : before.execMillis()));
      deltas.add(delta);
      totalMillis += delta.execMillis();
    }
    if (deltas.isEmpty()) {
      return;
    }
    deltas.sort(Comparator.comparingDouble(StatementTotals::execMillis).reversed());
    out.put("postgresExecMicros", round1(totalMillis * 1000 / messages));
    List<Map<String, Object>> top = new ArrayList<>();
    for (StatementTotals delta : deltas.subList(0, Math.min(TOP_STATEMENTS, deltas.size()))) {
      Map<String, Object> statement = new LinkedHashMap<>();
      statement.put("statement", shorten(delta.query()));
      statement.put("calls", round2(delta.calls() / (double) messages));
      statement.put("rowsPerCall", round1(delta.rows() / (double) delta.calls()));
      statement.put("execMicros", round1(delta.execMillis() * 1000 / messages));
      statement.put("share", Math.round(1000.0 * (totalMillis > 0 ? delta.execMillis() / totalMillis : 0)) / 1000.0);
      top.add(statement);
    }
    out.put("postgresStatements", top);
  }

  /** The statement's text on one line, cut after 140 characters. */
  private static String shorten(String query) {
    String oneLine = query.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 140 ? oneLine : oneLine.substring(0, 139) + "…";
  }

  private static double round2(double value) {
    return Math.round(value * 100.0) / 100.0;
  }

  /** The embedded broker's MessagesInPerSec counters by topic; empty when no broker runs here. */
  private static Map<String, Long> kafkaRecordsIn() {
    Map<String, Long> out = new TreeMap<>();
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (ObjectName name : server.queryNames(
          new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=*"), null)) {
        Object count = server.getAttribute(name, "Count");
        if (count instanceof Number number) {
          out.put(name.getKeyProperty("topic"), number.longValue());
        }
      }
    } catch (Exception e) {
      // no broker in this process
    }
    return out;
  }

  private static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  @Override
  public void close() {
    if (database != null) {
      try {
        database.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
