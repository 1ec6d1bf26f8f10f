package com.whatsappclone.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many idle authenticated WebSocket connections one realtime instance holds, and what each
 * costs in heap. The client is a child process ({@link ConnectionHolderMain}). Against the
 * embedded stack the count is capped below this process's file limit, because the server needs
 * one descriptor per connection and running out would break the stack mid-run.
 */
final class ConnectionCapacity {

  private static final Logger log = LoggerFactory.getLogger(ConnectionCapacity.class);
  /** Descriptors kept free for the stack's own needs (database pools, Kafka, jars, logs). */
  private static final int DESCRIPTOR_RESERVE = 300;
  private static final int CONNECT_RATE = 1_500;
  private static final Duration CONNECT_LIMIT = Duration.ofSeconds(120);
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(240);

  private final BenchStack stack;
  private final ResourceMonitor monitor;
  private final BenchOptions options;

  ConnectionCapacity(BenchStack stack, ResourceMonitor monitor, BenchOptions options) {
    this.stack = stack;
    this.monitor = monitor;
    this.options = options;
  }

  /**
   * Opens the connections with the tokens of {@code users}, measures, runs {@code whileHeld} (the
   * group fan-out again, under this load), then closes everything. {@code alreadyConnected}
   * devices (the fan-out group's) stay connected throughout.
   */
  Map<String, Object> run(List<BenchUser> users, int alreadyConnected, Callable<Map<String, Object>> whileHeld)
      throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    // The devices closed just before are still being unregistered: start from a settled server.
    if (serverConnections().isPresent()) {
      awaitServerConnections(alreadyConnected, Duration.ofSeconds(20));
    }
    long limit = ResourceMonitor.openFileLimit();
    long inUse = ResourceMonitor.openFileDescriptors();
    int target = options.connections();
    String cap = null;
    out.put("target", target);
    out.put("ulimitN", limit);
    out.put("descriptorsInUseBefore", inUse);
    if (limit > 0 && limit != Long.MAX_VALUE) {
      long clientRoom = limit - 200;
      if (stack.isEmbedded()) {
        long serverRoom = limit - inUse - DESCRIPTOR_RESERVE;
        if (serverRoom < target) {
          target = (int) Math.max(0, serverRoom);
          cap = "capped at " + target + ": this process (the server) may open " + limit + " files (ulimit -n) and has "
              + inUse + " open; " + options.connections() + " connections need ulimit -n >= "
              + (inUse + DESCRIPTOR_RESERVE + options.connections());
        }
      }
      if (clientRoom < target) {
        target = (int) clientRoom;
        cap = "capped at " + target + " by the client process's file limit (ulimit -n " + limit + ")";
      }
    }
    out.put("attempted", target);
    if (cap != null) {
      out.put("cappedBecause", cap);
      log.warn("connection capacity {}", cap);
    }
    if (target <= 0 || users.isEmpty()) {
      out.put("reached", 0);
      return out;
    }

    long heapBefore = stack.isEmbedded() ? monitor.heapAfterFullGc() : -1;
    long rowsBefore = serverConnections().orElse(-1L);
    Path tokens = Files.createTempFile("whatsapp-bench-tokens-", ".txt",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Process child = null;
    try {
      List<String> lines = new ArrayList<>();
      users.forEach(user -> lines.add(user.accessToken));
      Files.write(tokens, lines, StandardCharsets.US_ASCII);
      child = startHolder(tokens, target);
      AtomicReference<String> reached = new AtomicReference<>();
      AtomicReference<String> shrunk = new AtomicReference<>();
      AtomicReference<String> lastLine = new AtomicReference<>("");
      Thread reader = readLines(child, reached, shrunk, lastLine);
      long deadline = System.nanoTime() + CONNECT_LIMIT.plusSeconds(30).toNanos();
      while (reached.get() == null && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (reached.get() == null) {
        out.put("reached", 0);
        out.put("stoppedBecause", "the client process gave no result; last line: " + lastLine.get());
        return out;
      }
      Map<String, String> result = parse(reached.get());
      int open = Integer.parseInt(result.get("open"));
      out.put("reached", open);
      out.put("stoppedBecause", result.get("reason"));
      out.put("clientFailures", Integer.parseInt(result.get("failed")));
      out.put("closedByServerWhileConnecting", Integer.parseInt(result.get("closed")));
      double seconds = Double.parseDouble(result.get("seconds"));
      out.put("connectSeconds", seconds);
      out.put("connectsPerSecond", Math.round(open / seconds));

      if (rowsBefore >= 0) {
        long rows = awaitServerConnections(rowsBefore + open, Duration.ofSeconds(30));
        out.put("serverSideRegistered", rows - rowsBefore);
      }
      out.put("descriptorsInUseHeld", ResourceMonitor.openFileDescriptors());
      long heapHeld = heapBefore >= 0 && open > 0 ? monitor.heapAfterFullGc() : -1;
      ResourceMonitor.Snapshot idleFrom = monitor.snapshot();
      monitor.resetPeakHeap();
      Thread.sleep(5_000);
      out.put("idleResources", ResourceMonitor.usage(idleFrom, monitor.snapshot(), monitor.peakHeapSinceReset()));
      out.put("fanoutWhileHeld", whileHeld.call());
      out.put("stillOpenAfterTests", parse("x " + lastLine.get()).getOrDefault("open", "?"));
      if (heapHeld >= 0) {
        measureHeapPerConnection(child, shrunk, open, rowsBefore, heapBefore, heapHeld, out);
      }

      long closeStart = System.nanoTime();
      release(child);
      child.waitFor(60, TimeUnit.SECONDS);
      reader.join(5_000);
      if (rowsBefore >= 0) {
        awaitServerConnections(rowsBefore, Duration.ofSeconds(30));
        out.put("closeSeconds", ResourceMonitor.round2((System.nanoTime() - closeStart) / 1e9));
      }
      return out;
    } finally {
      if (child != null && child.isAlive()) {
        child.destroyForcibly();
      }
      Files.deleteIfExists(tokens);
    }
  }

  /**
   * Heap per connection from two counts: held at {@code open}, then at half of it. Other objects
   * (the end-to-end run's leftovers, caches, buffers) are in both readings and cancel out.
   */
  private void measureHeapPerConnection(Process child, AtomicReference<String> shrunk, int open, long rowsBefore,
      long heapBefore, long heapHeld, Map<String, Object> out) throws InterruptedException, IOException {
    int half = open / 2;
    OutputStream in = child.getOutputStream();
    in.write(("shrink " + half + "\n").getBytes(StandardCharsets.US_ASCII));
    in.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (shrunk.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (shrunk.get() == null) {
      out.put("heapPerConnectionKiB", null);
      return;
    }
    int left = Integer.parseInt(parse(shrunk.get()).get("open"));
    if (rowsBefore >= 0) {
      awaitServerConnections(rowsBefore + left, Duration.ofSeconds(30));
    }
    long heapHalf = monitor.heapAfterFullGc();
    out.put("heapBeforeMiB", ResourceMonitor.round2(heapBefore / 1048576.0));
    out.put("heapHeldMiB", ResourceMonitor.round2(heapHeld / 1048576.0));
    out.put("heapAtHalfMiB", ResourceMonitor.round2(heapHalf / 1048576.0));
    out.put("heapPerConnectionKiB", ResourceMonitor.round2((heapHeld - heapHalf) / 1024.0 / Math.max(1, open - left)));
    out.put("heapPerConnectionMethod", "(heap held at " + open + " - heap at " + left + ") / " + (open - left)
        + ", each after a full GC");
  }

  private Process startHolder(Path tokens, int count) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=" + BenchMain.LOGBACK_CONFIG,
        "-cp", System.getProperty("java.class.path"),
        ConnectionHolderMain.class.getName(),
        "--ws=" + stack.webSocket().getHostString() + ":" + stack.webSocket().getPort(),
        "--tokens=" + tokens,
        "--count=" + count,
        "--sources=" + options.sourceAddresses(),
        "--rate=" + CONNECT_RATE,
        "--connect-seconds=" + CONNECT_LIMIT.toSeconds(),
        "--hold-seconds=" + HOLD_LIMIT.toSeconds());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static Thread readLines(Process child, AtomicReference<String> reached, AtomicReference<String> shrunk,
      AtomicReference<String> lastLine) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lastLine.set(line);
          if (line.startsWith("reached ")) {
            reached.set(line);
            log.info("connection capacity: {}", line);
          } else if (line.startsWith("shrunk ")) {
            shrunk.set(line);
          }
        }
      } catch (IOException e) {
        lastLine.set("reading the client process failed: " + e.getMessage());
      }
    }, "bench-holder-reader");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static void release(Process child) {
    try {
      OutputStream in = child.getOutputStream();
      in.write("close\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      in.close();
    } catch (IOException e) {
      // the child is gone already
    }
  }

  /** "reached open=1 failed=2 closed=0 seconds=3.4 reason=..." as a map (reason is the rest). */
  private static Map<String, String> parse(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    int reason = line.indexOf(" reason=");
    String head = reason < 0 ? line : line.substring(0, reason);
    for (String part : head.split(" ")) {
      int equals = part.indexOf('=');
      if (equals > 0) {
        out.put(part.substring(0, equals), part.substring(equals + 1));
      }
    }
    if (reason >= 0) {
      out.put("reason", line.substring(reason + " reason=".length()));
    }
    return out;
  }

  /** Rows in realtime_connections (every realtime instance registers its devices there). */
  private Optional<Long> serverConnections() {
    if (stack.database().isEmpty()) {
      return Optional.empty();
    }
    BenchStack.Jdbc jdbc = stack.database().get();
    try (Connection connection = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM realtime_connections")) {
      rows.next();
      return Optional.of(rows.getLong(1));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  /** Waits until the count of registered devices is {@code expected} or stops changing. */
  private long awaitServerConnections(long expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    int unchanged = 0;
    while (System.nanoTime() < deadline) {
      long now = serverConnections().orElse(-1L);
      if (now == expected || now < 0) {
        return now;
      }
      unchanged = now == last ? unchanged + 1 : 0;
      if (unchanged >= 10) {
        return now;
      }
      last = now;
      Thread.sleep(300);
    }
    return last;
  }
}
