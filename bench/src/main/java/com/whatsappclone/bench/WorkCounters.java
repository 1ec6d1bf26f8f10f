package com.whatsappclone.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How much work one message causes below the services: PostgreSQL commits and WAL flushes
 * ({@code pg_stat_database}, {@code pg_stat_wal}) and Kafka records written per topic (the
 * in-process broker's {@code BrokerTopicMetrics}). Readings that are not available (a remote
 * deployment) are left out.
 */
final class WorkCounters implements AutoCloseable {

  /** One reading: database counters (or -1) and records in per topic. */
  record Reading(long commits, long walSyncs, Map<String, Long> kafkaRecords) {}

  private final Connection database;

  private WorkCounters(Connection database) {
    this.database = database;
  }

  static WorkCounters open(Optional<BenchStack.Jdbc> jdbc) {
    if (jdbc.isEmpty()) {
      return new WorkCounters(null);
    }
    try {
      return new WorkCounters(DriverManager.getConnection(jdbc.get().url(), jdbc.get().user(), jdbc.get().password()));
    } catch (SQLException e) {
      return new WorkCounters(null);
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
    return new Reading(commits, walSyncs, kafkaRecordsIn());
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
