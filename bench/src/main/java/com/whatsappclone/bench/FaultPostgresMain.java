package com.whatsappclone.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * The fault suite's PostgreSQL host: a child JVM that starts an embedded PostgreSQL (zonky: the
 * server is a process of its own) on a data folder and a port, as the local stack does, creates
 * the role {@code bench} and the database {@code whatsapp_faults}, and waits. SIGTERM stops the
 * server; SIGKILL of this JVM leaves it running as an orphan, as a kill -9 of the local stack does.
 * Arguments: data folder, port.
 */
public final class FaultPostgresMain {

  private FaultPostgresMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    Files.createDirectories(data);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        // as the local stack: a committed message must survive a crash
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "300")
        .setRegisterShutdownHook(false)
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        postgres.close();
      } catch (Exception e) {
        System.out.println("stopping PostgreSQL failed: " + e);
      }
      stopped.countDown();
    }, "fault-postgres-stop"));
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet role = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = 'bench'")) {
        if (!role.next()) {
          statement.execute("CREATE ROLE bench WITH LOGIN SUPERUSER PASSWORD 'bench'");
        }
      }
      try (ResultSet db = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'whatsapp_faults'")) {
        if (!db.next()) {
          statement.execute("CREATE DATABASE whatsapp_faults OWNER bench");
        }
      }
    }
    System.out.println("postgres ready on port " + port);
    stopped.await();
  }
}
