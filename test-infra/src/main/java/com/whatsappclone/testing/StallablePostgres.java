package com.whatsappclone.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private embedded PostgreSQL that a test can stall: {@link #stall()} stops the postmaster and
 * every backend with SIGSTOP, as a hung host or a paused VM would, so that connections stay open
 * but nothing answers; {@link #resume()} sends SIGCONT. Its own instance, so that stalling it never
 * disturbs the shared server of other tests. Call {@link #resume()} in a finally.
 */
public final class StallablePostgres implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final List<Long> stopped = new ArrayList<>();

  private StallablePostgres(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  public static StallablePostgres start() throws IOException {
    Path data = Files.createTempDirectory("stallable-pg");
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setPGStartupWait(Duration.ofSeconds(60))
        .setRegisterShutdownHook(false)
        .start();
    return new StallablePostgres(postgres, data);
  }

  /** A fresh database on this server. */
  public TestDatabase createDatabase(String name) throws SQLException {
    String admin = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    try (Connection connection = DriverManager.getConnection(admin, "postgres", "postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return new TestDatabase("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + name,
        "postgres", "postgres");
  }

  /** The postmaster's pid, from the first line of postmaster.pid in the data directory. */
  public long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
  }

  /** SIGSTOPs the postmaster first (so it forks nothing new), then all its descendants. */
  public synchronized void stall() throws IOException, InterruptedException {
    long postmaster = postmasterPid();
    ProcessHandle handle = ProcessHandle.of(postmaster)
        .orElseThrow(() -> new IllegalStateException("no postmaster " + postmaster));
    // Stopped before its children are listed: a backend forked between the listing and the stop
    // (a pool opening a connection just then) kept answering, and the "stalled" server with it
    // (CI failed once so: readiness stayed SERVING for a minute).
    signal("STOP", List.of(postmaster));
    stopped.add(postmaster);
    List<Long> children = new ArrayList<>();
    handle.descendants().forEach(child -> children.add(child.pid()));
    signal("STOP", children);
    stopped.addAll(children);
  }

  /** SIGCONTs every process {@link #stall()} stopped; does nothing when none is stopped. */
  public synchronized void resume() throws IOException, InterruptedException {
    if (stopped.isEmpty()) {
      return;
    }
    signal("CONT", stopped);
    stopped.clear();
  }

  /** One kill per process: a backend that exits meanwhile is no failure, any other refusal is. */
  private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
    for (long pid : pids) {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
      boolean done = kill.waitFor(10, TimeUnit.SECONDS);
      if ((!done || kill.exitValue() != 0) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
            + new String(kill.getInputStream().readAllBytes()));
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    resume();
    postgres.close();
  }
}
