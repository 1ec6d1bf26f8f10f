package com.whatsappclone.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many idle authenticated WebSocket connections one realtime instance holds, and what each
 * costs in resident memory and heap. The client is a child process ({@link ConnectionHolderMain});
 * against the embedded stack the server is one too, a realtime instance of its own
 * ({@link RealtimeProcess}), so only its own descriptors count: the count is capped just below its
 * file limit (running out would break it mid-run), the client caps itself by its own.
 */
final class ConnectionCapacity {

  private static final Logger log = LoggerFactory.getLogger(ConnectionCapacity.class);
  /** Descriptors kept free in the realtime process for what it opens later (a database or Kafka reconnect). */
  private static final int DESCRIPTOR_RESERVE = 40;
  private static final String SERVER_HEAP = "1g";
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
   * devices (the fan-out group's) stay connected throughout. Against the embedded stack the
   * connections go to a realtime instance in a child process of its own ({@link RealtimeProcess}),
   * killed at the end whatever happens.
   */
  Map<String, Object> run(List<BenchUser> users, int alreadyConnected, Callable<Map<String, Object>> whileHeld)
      throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    // The devices closed just before are still being unregistered: start from a settled server.
    if (serverConnections().isPresent()) {
      awaitServerConnections(alreadyConnected, Duration.ofSeconds(20));
    }
    RealtimeProcess server = null;
    try {
      if (stack.isEmbedded()) {
        log.info("starting a realtime instance in a child process for the connections");
        long starting = System.nanoTime();
        server = RealtimeProcess.start(stack.extraRealtimeSettings(), SERVER_HEAP);
        out.put("server", "a realtime instance of its own in a child JVM (pid " + server.pid() + ", -Xmx" + SERVER_HEAP
            + ") on the embedded PostgreSQL and Kafka");
        out.put("serverStartSeconds", ResourceMonitor.round2((System.nanoTime() - starting) / 1e9));
        // Its first connections are slower (class loading, JIT); a few seconds of quiet first.
        Thread.sleep(2_000);
      } else {
        out.put("server", "the deployment's realtime service at " + stack.webSocket());
      }
      return measure(server, users, whileHeld, out);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private Map<String, Object> measure(RealtimeProcess server, List<BenchUser> users,
      Callable<Map<String, Object>> whileHeld, Map<String, Object> out) throws Exception {
    long limit = server == null ? -1 : server.openFileLimit();
    long inUse = server == null ? -1 : server.openFileDescriptors();
    int target = options.connections();
    String cap = null;
    out.put("target", target);
    out.put("ulimitN", limit);
    out.put("descriptorsInUseBefore", inUse);
    if (limit > 0 && limit != Long.MAX_VALUE && inUse >= 0) {
      long serverRoom = limit - inUse - DESCRIPTOR_RESERVE;
      if (serverRoom < target) {
        target = (int) Math.max(0, serverRoom);
        cap = "capped at " + target + ": the realtime process may open " + limit + " files (ulimit -n) and has "
            + inUse + " open, " + DESCRIPTOR_RESERVE + " kept free; " + options.connections()
            + " connections need ulimit -n >= " + (inUse + DESCRIPTOR_RESERVE + options.connections());
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

    OptionalLong heapBefore = server == null ? OptionalLong.empty() : server.liveHeapBytes();
    long rssBefore = server == null ? -1 : server.residentBytes();
    long rowsBefore = serverConnections().orElse(-1L);
    Path tokens = Files.createTempFile("whatsapp-bench-tokens-", ".txt",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Process child = null;
    Thread killOnExit = null;
    try {
      List<String> lines = new ArrayList<>();
      users.forEach(user -> lines.add(user.accessToken));
      Files.write(tokens, lines, StandardCharsets.US_ASCII);
      InetSocketAddress address = server == null ? stack.webSocket() : server.webSocket();
      child = startHolder(address, tokens, target);
      Process holder = child;
      killOnExit = new Thread(holder::destroyForcibly, "bench-kill-connection-holder");
      Runtime.getRuntime().addShutdownHook(killOnExit);
      AtomicReference<String> reached = new AtomicReference<>();
      AtomicReference<String> shrunk = new AtomicReference<>();
      AtomicReference<String> lastLine = new AtomicReference<>("");
      AtomicReference<String> clientCap = new AtomicReference<>();
      Thread reader = readLines(child, reached, shrunk, lastLine, clientCap);
      long deadline = System.nanoTime() + CONNECT_LIMIT.plusSeconds(30).toNanos();
      int halfCount = -1;
      long rssAtHalf = -1;
      while (reached.get() == null && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        String line = lastLine.get();
        if (halfCount < 0 && server != null && line.startsWith("progress ")) {
          int open = Integer.parseInt(parse(line).getOrDefault("open", "0"));
          if (open >= target / 2) {
            halfCount = open;
            rssAtHalf = server.residentBytes();
          }
        }
      }
      if (reached.get() == null) {
        out.put("reached", 0);
        out.put("stoppedBecause", "the client process gave no result; last line: " + lastLine.get());
        return out;
      }
      Map<String, String> result = parse(reached.get());
      if (clientCap.get() != null) {
        Map<String, String> capped = parse(clientCap.get());
        out.put("clientCappedBecause", "the client process capped itself at " + capped.get("count")
            + ": it may open " + capped.get("limit") + " files (ulimit -n) and had " + capped.get("inUse") + " open");
      }
      int open = Integer.parseInt(result.get("open"));
      out.put("reached", open);
      out.put("stoppedBecause", result.get("reason"));
      out.put("clientFailures", Integer.parseInt(result.get("failed")));
      out.put("closedByServerWhileConnecting", Integer.parseInt(result.get("closed")));
      // Closed with 1013 (too busy to start it) and opened again, as the app does.
      out.put("reopenedAfterTryAgainLater", Integer.parseInt(result.getOrDefault("retried", "0")));
      double seconds = Double.parseDouble(result.get("seconds"));
      out.put("connectSeconds", seconds);
      out.put("connectsPerSecond", Math.round(open / seconds));
      if (limit > 0 && limit != Long.MAX_VALUE) {
        out.put("heldShareOfDescriptorLimit", Math.round(open * 10_000.0 / limit) / 10_000.0);
      }

      if (rowsBefore >= 0) {
        long rows = awaitServerConnections(rowsBefore + open, Duration.ofSeconds(30));
        out.put("serverSideRegistered", rows - rowsBefore);
      }
      if (server != null) {
        out.put("descriptorsInUseHeld", server.openFileDescriptors());
        residentPerConnection(server, rssBefore, halfCount, rssAtHalf, open, out);
      }
      OptionalLong heapHeld = heapBefore.isPresent() && open > 0 ? server.liveHeapBytes() : OptionalLong.empty();
      ResourceMonitor.Snapshot idleFrom = monitor.snapshot();
      long serverCpuFrom = server == null ? -1 : server.cpuNanos();
      monitor.resetPeakHeap();
      Thread.sleep(5_000);
      Map<String, Object> idle = ResourceMonitor.usage(idleFrom, monitor.snapshot(), monitor.peakHeapSinceReset());
      if (server != null && serverCpuFrom >= 0) {
        idle.put("realtimeProcessCpuCores", ResourceMonitor.round2((server.cpuNanos() - serverCpuFrom) / 5e9));
      }
      out.put("idleResources", idle);
      out.put("fanoutWhileHeld", whileHeld.call());
      out.put("stillOpenAfterTests", parse("x " + lastLine.get()).getOrDefault("open", "?"));
      if (heapHeld.isPresent()) {
        measureHeapPerConnection(server, child, shrunk, open, rowsBefore, heapBefore.getAsLong(), heapHeld.getAsLong(),
            out);
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
      if (killOnExit != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
          // shutting down already: the hook kills it anyway
        }
      }
      Files.deleteIfExists(tokens);
    }
  }

  /**
   * Resident memory the connections cost the realtime process: (VmRSS with all of them - VmRSS
   * before) / count, and the same at about half of them on the way up (a check that it grows
   * linearly).
   */
  private static void residentPerConnection(RealtimeProcess server, long rssBefore, int halfCount, long rssAtHalf,
      int open, Map<String, Object> out) {
    long rssHeld = server.residentBytes();
    if (rssBefore < 0 || rssHeld < 0 || open <= 0) {
      return;
    }
    out.put("rssBeforeMiB", ResourceMonitor.round2(rssBefore / 1048576.0));
    out.put("rssHeldMiB", ResourceMonitor.round2(rssHeld / 1048576.0));
    out.put("rssPerConnectionKiB", ResourceMonitor.round2((rssHeld - rssBefore) / 1024.0 / open));
    if (halfCount > 0 && rssAtHalf >= 0) {
      out.put("rssAtHalfConnections", halfCount);
      out.put("rssAtHalfMiB", ResourceMonitor.round2(rssAtHalf / 1048576.0));
      out.put("rssPerConnectionAtHalfKiB", ResourceMonitor.round2((rssAtHalf - rssBefore) / 1024.0 / halfCount));
    }
    out.put("rssPerConnectionMethod", "(VmRSS of the realtime process with " + open + " connections - VmRSS before) / "
        + open + (halfCount > 0 ? "; at half: the same with the " + halfCount + " open on the way up" : ""));
  }

  /**
   * Heap per connection from two counts: held at {@code open}, then at half of it. Other objects
   * (the end-to-end run's leftovers, caches, buffers) are in both readings and cancel out.
   */
  private void measureHeapPerConnection(RealtimeProcess server, Process child, AtomicReference<String> shrunk, int open,
      long rowsBefore, long heapBefore, long heapHeld, Map<String, Object> out) throws InterruptedException, IOException {
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
    OptionalLong heapHalf = server.liveHeapBytes();
    if (heapHalf.isEmpty()) {
      out.put("heapPerConnectionKiB", null);
      return;
    }
    out.put("heapBeforeMiB", ResourceMonitor.round2(heapBefore / 1048576.0));
    out.put("heapHeldMiB", ResourceMonitor.round2(heapHeld / 1048576.0));
    out.put("heapAtHalfMiB", ResourceMonitor.round2(heapHalf.getAsLong() / 1048576.0));
    out.put("heapPerConnectionKiB", ResourceMonitor.round2((heapHeld - heapHalf.getAsLong()) / 1024.0
        / Math.max(1, open - left)));
    out.put("heapPerConnectionMethod", "(live heap of the realtime process at " + open + " - at " + left + ") / "
        + (open - left) + ", each after a full GC (jcmd GC.class_histogram)");
  }

  private Process startHolder(InetSocketAddress server, Path tokens, int count) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=" + BenchMain.LOGBACK_CONFIG,
        "-cp", System.getProperty("java.class.path"),
        ConnectionHolderMain.class.getName(),
        "--ws=" + server.getHostString() + ":" + server.getPort(),
        "--tokens=" + tokens,
        "--count=" + count,
        "--sources=" + options.sourceAddresses(),
        "--rate=" + CONNECT_RATE,
        "--connect-seconds=" + CONNECT_LIMIT.toSeconds(),
        "--hold-seconds=" + HOLD_LIMIT.toSeconds());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static Thread readLines(Process child, AtomicReference<String> reached, AtomicReference<String> shrunk,
      AtomicReference<String> lastLine, AtomicReference<String> clientCap) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lastLine.set(line);
          if (line.startsWith("capped ")) {
            log.warn("connection capacity: the client process {}", line);
            clientCap.set(line);
          } else if (line.startsWith("reached ")) {
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
  static Map<String, String> parse(String line) {
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
