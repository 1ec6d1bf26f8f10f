package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A local stack killed with kill -9 leaves its PostgreSQL running; the next start stops that
 * orphan (only a postgres serving its own folder) and starts normally on the same data.
 */
class OrphanedPostgresTest {

  private static final String ROLE = "orphan_test";
  private static final String DATABASE = "orphan_test";

  private Path data;
  private Process child;

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (data != null) {
      // Never leave an orphan of our own behind, whatever the test did.
      OrphanedPostgres.stopIfRunning(data);
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  void theNextStartStopsThePostgresAKilledStackLeftOnItsFolderAndKeepsItsData() throws Exception {
    data = Files.createTempDirectory("orphan-pg");
    int port = freePort();
    child = startChildStack(data, port);
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    ProcessHandle orphan = OrphanedPostgres.find(data).orElseThrow(
        () -> new AssertionError("the killed JVM left no PostgreSQL running on " + data));
    assertThat(orphan.isAlive()).isTrue();

    try (LocalPostgres restarted = LocalPostgres.start(data, freePort(), ROLE, null, DATABASE)) {
      assertThat(orphan.isAlive()).isFalse();
      assertThat(OrphanedPostgres.find(data)).isPresent().get().isNotEqualTo(orphan);
      assertThat(restarted.port()).isPositive();
      try (Connection connection = DriverManager.getConnection(
              "jdbc:postgresql://localhost:" + restarted.port() + "/" + DATABASE, ROLE, "");
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT note FROM survivor")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("written before kill -9");
      }
    }
    assertThat(OrphanedPostgres.find(data)).isEmpty();
  }

  @Test
  void aPidFileOfAProcessThatIsNotPostgresIsLeftAlone() throws Exception {
    data = Files.createTempDirectory("orphan-pg");
    // This JVM stands for an unrelated process that got the dead postmaster's pid.
    Files.write(data.resolve("postmaster.pid"),
        List.of(String.valueOf(ProcessHandle.current().pid()), data.toRealPath().toString()));

    assertThat(OrphanedPostgres.find(data)).isEmpty();
    assertThat(OrphanedPostgres.stopIfRunning(data)).isFalse();
  }

  /** A JVM that starts the local stack's PostgreSQL on {@code data}, writes a row, then waits. */
  private static Process startChildStack(Path data, int port) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        OrphanMaker.class.getName(), data.toString(), String.valueOf(port))
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.equals(OrphanMaker.READY)) {
        // Keep draining, so that the child never blocks on a full pipe before it is killed.
        Thread drain = new Thread(() -> out.lines().forEach(ignored -> { }), "orphan-child-output");
        drain.setDaemon(true);
        drain.start();
        return process;
      }
      if (System.nanoTime() > giveUp) {
        break;
      }
    }
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    throw new AssertionError("the child JVM never said " + OrphanMaker.READY + ":\n" + seen);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The child's main: the local stack's PostgreSQL, one row of data, then nothing until killed. */
  public static final class OrphanMaker {
    static final String READY = "orphan-maker: ready";

    public static void main(String[] args) throws Exception {
      LocalPostgres postgres = LocalPostgres.start(Path.of(args[0]), Integer.parseInt(args[1]), ROLE, null, DATABASE);
      try (Connection connection = DriverManager.getConnection(
              "jdbc:postgresql://localhost:" + args[1] + "/" + DATABASE, ROLE, "");
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE survivor (note text)");
        statement.execute("INSERT INTO survivor VALUES ('written before kill -9')");
      } catch (SQLException e) {
        postgres.close();
        throw e;
      }
      System.out.println(READY);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
