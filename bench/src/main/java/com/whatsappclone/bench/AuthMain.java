package com.whatsappclone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth bench ({@code java -jar bench/target/whatsapp-bench.jar --auth}, bench/README.md "Auth
 * under a login storm", issue 20): VerifyOTP at 16 and 64 calls in flight (new users; then new
 * and returning users mixed), RefreshToken at 64 in flight over many rounds, each with CPU per
 * call by component and PostgreSQL commits per call; then a reconnect storm: N devices with valid
 * tokens open their WebSocket at once from a child process ({@link ConnectionHolderMain}, so its
 * sockets count against its own descriptor limit). One embedded stack; results/auth.json and the
 * README section.
 */
public final class AuthMain {

  private static final String README_START = "<!-- auth:start -->";
  private static final String README_END = "<!-- auth:end -->";
  private static final int HIGH_CONCURRENCY = 64;
  /** Users of the unmeasured warm-up: each signs in twice, then refreshes WARM_UP_REFRESH_ROUNDS times. */
  private static final int WARM_UP_USERS = 1_000;
  private static final int WARM_UP_REFRESH_ROUNDS = 20;
  private static final Duration STORM_LIMIT = Duration.ofSeconds(90);
  /** How long after all are open the storm client waits for every device's message. */
  private static final Duration RECEIVE_LIMIT = Duration.ofSeconds(30);

  /** The command line: {@code --auth [--signups=N] [--refresh-calls=N] [--devices=N] ...}. */
  record Options(int signups, int refreshCalls, int devices, int sources, Path results, boolean updateReadme) {

    static Options parse(String[] args) {
      int signups = 2000;
      int refreshCalls = 40_000;
      int devices = 10_000;
      int sources = 8;
      Path results = Path.of("bench/results");
      boolean readme = true;
      for (String arg : args) {
        if (arg.equals("--auth")) {
          continue;
        }
        if (arg.equals("--help") || arg.equals("-h")) {
          throw new BenchOptions.UsageException("");
        }
        int eq = arg.indexOf('=');
        if (!arg.startsWith("--") || eq < 0) {
          throw new BenchOptions.UsageException("unexpected argument " + arg);
        }
        String name = arg.substring(2, eq);
        String value = arg.substring(eq + 1).trim();
        switch (name) {
          case "signups" -> signups = positive(name, value);
          case "refresh-calls" -> refreshCalls = positive(name, value);
          case "devices" -> devices = positive(name, value);
          case "sources" -> sources = positive(name, value);
          case "results" -> results = Path.of(value);
          case "update-readme" -> readme = Boolean.parseBoolean(value);
          default -> throw new BenchOptions.UsageException("unknown option --" + name);
        }
      }
      return new Options(signups, refreshCalls, devices, sources, results, readme);
    }

    static String usage() {
      return String.join(System.lineSeparator(),
          "usage: java -jar bench/target/whatsapp-bench.jar --auth [options]",
          "",
          "Starts the embedded stack once, warms it up (2,000 sign-ins and 20,000 refreshes of other",
          "users, not measured) and measures VerifyOTP (dev mode) at 16 and 64 calls in flight,",
          "RefreshToken at 64 in flight, and a reconnect storm of WebSocket devices; writes",
          "results/auth.json and the \"Auth under a login storm\" section of bench/README.md.",
          "",
          "  --signups=2000          new users per VerifyOTP run (the 64-in-flight run adds as many",
          "                          returning users, interleaved)",
          "  --refresh-calls=40000   RefreshToken calls at 64 in flight (rounds over every user; at",
          "                          4,000/s fewer make a run of a few seconds, whose p99 one stall sets)",
          "  --devices=10000         WebSocket devices of the reconnect storm (child process)",
          "  --sources=8             127.0.0.x source addresses of the storm client",
          "  --results=bench/results where auth.json goes",
          "  --update-readme=true    rewrite the auth section of bench/README.md");
    }

    private static int positive(String name, String value) {
      try {
        int n = Integer.parseInt(value.replace("_", ""));
        if (n <= 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new BenchOptions.UsageException("--" + name + " must be a positive whole number, got " + value);
      }
    }
  }

  private final Options options;
  private final Logger log = LoggerFactory.getLogger(AuthMain.class);
  private final List<String> errors = new ArrayList<>();

  private AuthMain(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", BenchMain.LOGBACK_CONFIG);
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
        System.err.println();
      }
      System.err.println(Options.usage());
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    // The embedded Kafka and gRPC leave non-daemon threads behind after stopping.
    System.exit(new AuthMain(options).run());
  }

  private int run() throws Exception {
    long started = System.nanoTime();
    Map<String, Object> results = new LinkedHashMap<>();
    Map<String, Object> meta = new LinkedHashMap<>();
    results.put("meta", meta);
    meta.put("commit", GitInfo.commit());
    meta.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    meta.put("cores", Runtime.getRuntime().availableProcessors());
    meta.put("javaVersion", System.getProperty("java.version"));
    meta.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576);
    meta.put("loadAverageAtStart", loadAverage());
    meta.put("options", options.toString());
    BenchStack stack = BenchStack.startEmbedded(Map.of());
    // Ctrl-C or a timeout must not leave the embedded PostgreSQL running.
    Thread stopOnExit = new Thread(stack::close, "bench-stop-stack");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    meta.put("stackSettings", stack.benchSettings());
    ResourceMonitor monitor = new ResourceMonitor(stack::postgresPid);
    try (Gateway gateway = new Gateway(stack.gateway()); WorkCounters counters = WorkCounters.open(stack.database(), stack.isEmbedded())) {
      // Warm the JIT and the pools so the measured runs see a server that has been up a while,
      // not the JVM's start: without it the C2 compiler took 29 % of the refresh run's samples,
      // and 12,000 refreshes measured 1,700/s where the same run at 100,000 gave 2,500/s.
      long warmUpStart = System.nanoTime();
      List<BenchUser> warmUp = AuthBench.newUsers(WARM_UP_USERS);
      AuthBench.signIn(gateway, warmUp, HIGH_CONCURRENCY);
      AuthBench.signIn(gateway, warmUp, HIGH_CONCURRENCY);
      for (int round = 0; round < WARM_UP_REFRESH_ROUNDS; round++) {
        AuthBench.refresh(gateway, warmUp, HIGH_CONCURRENCY);
      }
      meta.put("warmUp", WARM_UP_USERS * 2 + " sign-ins and " + WARM_UP_USERS * WARM_UP_REFRESH_ROUNDS
          + " refreshes of other users, not measured, " + ResourceMonitor.round2((System.nanoTime() - warmUpStart) / 1e9) + " s");

      List<BenchUser> first = AuthBench.newUsers(options.signups());
      results.put("verifyOtpNew16", measure("VerifyOTP, new users, 16 in flight", monitor, counters,
          () -> List.of(AuthBench.signIn(gateway, first, AuthBench.CONCURRENCY))));

      // Returning users (those just signed up, same device) interleaved with as many new ones.
      List<BenchUser> fresh = renumbered(AuthBench.newUsers(options.signups()), first.size());
      List<BenchUser> mixed = new ArrayList<>();
      for (int i = 0; i < Math.max(first.size(), fresh.size()); i++) {
        if (i < first.size()) {
          mixed.add(first.get(i));
        }
        if (i < fresh.size()) {
          mixed.add(fresh.get(i));
        }
      }
      results.put("verifyOtpMixed64", measure("VerifyOTP, new and returning users mixed, 64 in flight", monitor,
          counters, () -> List.of(AuthBench.signIn(gateway, mixed, HIGH_CONCURRENCY))));

      List<BenchUser> signedIn = new ArrayList<>();
      for (BenchUser user : mixed) {
        if (user.refreshToken != null) {
          signedIn.add(user);
        }
      }
      results.put("refreshToken64", measure("RefreshToken, 64 in flight", monitor, counters, () -> {
        List<ConcurrentCalls.Outcome> rounds = new ArrayList<>();
        int left = options.refreshCalls();
        while (left > 0) {
          List<BenchUser> round = signedIn.subList(0, Math.min(left, signedIn.size()));
          rounds.add(AuthBench.refresh(gateway, round, HIGH_CONCURRENCY));
          left -= round.size();
        }
        return rounds;
      }));

      results.put("reconnectStorm", storm(stack, gateway, signedIn, monitor, counters));
    } finally {
      monitor.close();
      log.info("stopping the stack");
      stack.close();
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
    meta.put("totalSeconds", ResourceMonitor.round2((System.nanoTime() - started) / 1e9));
    meta.put("errors", errors);
    write(results);
    return errors.isEmpty() ? 0 : 1;
  }

  interface Batch {
    List<ConcurrentCalls.Outcome> run() throws Exception;
  }

  /** One timed run: rate and latency over its batches, CPU per call by component, commits per call. */
  private Map<String, Object> measure(String name, ResourceMonitor monitor, WorkCounters counters, Batch batch)
      throws Exception {
    log.info("{} ...", name);
    WorkCounters.Reading workBefore = counters.read();
    ResourceMonitor.Snapshot before = monitor.snapshot();
    List<ConcurrentCalls.Outcome> outcomes = batch.run();
    ResourceMonitor.Snapshot after = monitor.snapshot();
    WorkCounters.Reading workAfter = counters.read();
    int calls = 0;
    double seconds = 0;
    Histogram latency = Latency.newHistogram();
    Map<String, Integer> failures = new LinkedHashMap<>();
    for (ConcurrentCalls.Outcome outcome : outcomes) {
      calls += outcome.succeeded();
      seconds += outcome.seconds();
      latency.add(outcome.latency());
      outcome.failures().forEach((code, n) -> failures.merge(code, n, Integer::sum));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("concurrency", name.contains("64") ? HIGH_CONCURRENCY : AuthBench.CONCURRENCY);
    out.put("calls", calls);
    out.put("failures", failures);
    out.put("seconds", ResourceMonitor.round2(seconds));
    out.put("callsPerSecond", seconds <= 0 ? 0 : Math.round(calls / seconds));
    out.put("latency", Latency.summary(latency));
    Map<String, Object> cpu = ResourceMonitor.attribution(before, after, calls, calls);
    out.put("cpuMicrosPerCall", cpu.get("cpuMicrosPerDelivery"));
    out.put("machineCpuMicrosPerCall", cpu.get("machineCpuMicrosPerDelivery"));
    out.put("cpuCores", cpu.get("cpuCores"));
    out.put("perCall", WorkCounters.perMessage(workBefore, workAfter, calls));
    if (!failures.isEmpty()) {
      errors.add(name + ": failures " + failures);
    }
    log.info("{}: {} calls, {}/s, latency {}, per call {}", name, calls, out.get("callsPerSecond"),
        out.get("latency"), out.get("perCall"));
    return out;
  }

  /**
   * The reconnect storm: {@code devices} WebSockets opened at once (at most 256 handshakes in
   * flight, from several 127.0.0.x addresses) with the signed-in users' access tokens, a user's
   * token reused when there are more devices than users.
   */
  private Map<String, Object> storm(BenchStack stack, Gateway gateway, List<BenchUser> signedIn,
      ResourceMonitor monitor, WorkCounters counters) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("devices", options.devices());
    // Before the storm: the conversations its messages go through (users in pairs).
    StormMessages messages = StormMessages.pairUp(gateway, signedIn, HIGH_CONCURRENCY);
    List<BenchUser> users = messages.users();
    out.put("distinctUsers", Math.min(users.size(), options.devices()));
    if (users.isEmpty() || messages.conversationsCreated() < users.size() / 2) {
      out.put("stoppedBecause", users.isEmpty() ? "no signed-in users"
          : "only " + messages.conversationsCreated() + " of " + users.size() / 2 + " conversations created");
      errors.add("reconnect storm: " + out.get("stoppedBecause"));
      return out;
    }
    stack.analyzeDatabase();
    Path tokens = Files.createTempFile("whatsapp-bench-storm-", ".tokens");
    try {
      List<String> lines = new ArrayList<>();
      for (BenchUser user : users) {
        lines.add(user.accessToken);
      }
      Collections.shuffle(lines);
      Files.write(tokens, lines, StandardCharsets.US_ASCII);
      log.info("reconnect storm: {} devices", options.devices());
      String java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> command = List.of(java, "-Xmx768m", "-XX:+UseSerialGC",
          "-Dlogback.configurationFile=" + BenchMain.LOGBACK_CONFIG,
          "-cp", System.getProperty("java.class.path"),
          ConnectionHolderMain.class.getName(),
          "--ws=" + stack.webSocket().getHostString() + ":" + stack.webSocket().getPort(),
          "--tokens=" + tokens,
          "--count=" + options.devices(),
          "--sources=" + options.sources(),
          // Unpaced: only the client's handshakes in flight (256) bound the storm, as after an outage.
          "--rate=1000000",
          "--connect-seconds=" + STORM_LIMIT.toSeconds(),
          "--await-message-seconds=" + RECEIVE_LIMIT.toSeconds(),
          "--hold-seconds=30");
      // From before the child starts until it has every device open: its JVM start is in the
      // machine's figure, not in the stack's components.
      WorkCounters.Reading workBefore = counters.read();
      ResourceMonitor.Snapshot before = monitor.snapshot();
      Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      // Every user's message goes out while its devices connect.
      messages.startSending(gateway, HIGH_CONCURRENCY);
      AtomicReference<String> reached = new AtomicReference<>();
      AtomicReference<String> receivedLine = new AtomicReference<>();
      AtomicReference<String> lastLine = new AtomicReference<>("");
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            lastLine.set(line);
            if (line.startsWith("reached ") || line.startsWith("capped ")) {
              log.info("reconnect storm: {}", line);
            }
            if (line.startsWith("reached ")) {
              reached.set(line);
            }
            if (line.startsWith("received ")) {
              log.info("reconnect storm: {}", line);
              receivedLine.set(line);
            }
          }
        } catch (IOException e) {
          lastLine.set("reading the storm client failed: " + e.getMessage());
        }
      }, "bench-storm-reader");
      reader.setDaemon(true);
      reader.start();
      long deadline = System.nanoTime() + STORM_LIMIT.plusSeconds(30).toNanos();
      while (reached.get() == null && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      ResourceMonitor.Snapshot after = monitor.snapshot();
      WorkCounters.Reading workAfter = counters.read();
      long receiveDeadline = System.nanoTime() + RECEIVE_LIMIT.plusSeconds(10).toNanos();
      while (reached.get() != null && receivedLine.get() == null && child.isAlive()
          && System.nanoTime() < receiveDeadline) {
        Thread.sleep(50);
      }
      Optional<ConcurrentCalls.Outcome> sent = messages.awaitSent(Duration.ofSeconds(30));
      try (Writer toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
        toChild.write("close\n");
      } catch (IOException e) {
        // the child has gone already
      }
      if (!child.waitFor(40, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
      if (reached.get() == null) {
        out.put("stoppedBecause", "the storm client gave no result; last line: " + lastLine.get());
        errors.add("reconnect storm: no result");
        return out;
      }
      Map<String, String> result = ConnectionCapacity.parse(reached.get());
      int open = Integer.parseInt(result.get("open"));
      out.put("open", open);
      out.put("failed", Integer.parseInt(result.get("failed")));
      out.put("closedByServerWhileConnecting", Integer.parseInt(result.get("closed")));
      // Closed with 1013 (too busy to start it) and opened again, as the app does.
      out.put("reopenedAfterTryAgainLater", Integer.parseInt(result.getOrDefault("retried", "0")));
      out.put("secondsUntilAllOpen", open >= options.devices() ? Double.parseDouble(result.get("seconds")) : null);
      out.put("handshakeP50Ms", Double.parseDouble(result.get("handshakeP50Ms")));
      out.put("handshakeP99Ms", Double.parseDouble(result.get("handshakeP99Ms")));
      out.put("stoppedBecause", result.get("reason"));
      out.put("receiving", receiving(receivedLine.get(), sent, open));
      // Where the storm's CPU goes, per connection opened (the storm client: machine minus the rest).
      Map<String, Object> cpu = ResourceMonitor.attribution(before, after, Math.max(1, open), Math.max(1, open));
      out.put("cpuMicrosPerConnection", cpu.get("cpuMicrosPerDelivery"));
      out.put("machineCpuMicrosPerConnection", cpu.get("machineCpuMicrosPerDelivery"));
      out.put("cpuCores", cpu.get("cpuCores"));
      out.put("perConnection", WorkCounters.perMessage(workBefore, workAfter, Math.max(1, open)));
      return out;
    } finally {
      Files.deleteIfExists(tokens);
    }
  }

  /** Whether every device received the message sent to its user while it connected, and when. */
  private Map<String, Object> receiving(String line, Optional<ConcurrentCalls.Outcome> sent, int open) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("messagesSent", sent.map(ConcurrentCalls.Outcome::succeeded).orElse(0));
    out.put("sendFailures", sent.map(ConcurrentCalls.Outcome::failures).orElse(Map.of()));
    if (sent.isEmpty() || !sent.get().failures().isEmpty()) {
      errors.add("reconnect storm: not every message was sent: " + out.get("sendFailures"));
    }
    if (line == null) {
      out.put("devicesReceived", null);
      errors.add("reconnect storm: the storm client said nothing of what it received");
      return out;
    }
    Map<String, String> result = ConnectionCapacity.parse(line);
    int devices = Integer.parseInt(result.get("devices"));
    out.put("devicesReceived", devices);
    out.put("devicesOpen", open);
    out.put("secondsUntilAllReceived", devices >= open ? Double.parseDouble(result.get("seconds")) : null);
    out.put("firstMessageP50Ms", Double.parseDouble(result.get("firstMessageP50Ms")));
    out.put("firstMessageP99Ms", Double.parseDouble(result.get("firstMessageP99Ms")));
    if (devices < open) {
      errors.add("reconnect storm: " + (open - devices) + " open device(s) received nothing within "
          + RECEIVE_LIMIT.toSeconds() + " s");
    }
    return out;
  }

  private static List<BenchUser> renumbered(List<BenchUser> users, int offset) {
    List<BenchUser> out = new ArrayList<>(users.size());
    for (BenchUser user : users) {
      out.add(new BenchUser(offset + user.index, user.phone));
    }
    return out;
  }

  /** /proc/loadavg's first three figures: the machine may be shared with other work. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void write(Map<String, Object> results) throws Exception {
    Files.createDirectories(options.results());
    Path json = options.results().resolve("auth.json");
    Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(results) + "\n");
    System.out.println("results: " + json);
    String markdown = AuthReport.markdown(results);
    System.out.println();
    System.out.println(markdown);
    Path readme = options.results().toAbsolutePath().getParent().resolve("README.md");
    if (options.updateReadme() && Files.exists(readme)) {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      int start = text.indexOf(README_START);
      int end = text.indexOf(README_END);
      if (start >= 0 && end > start) {
        Files.writeString(readme, text.substring(0, start + README_START.length()) + "\n" + markdown
            + text.substring(end), StandardCharsets.UTF_8);
        System.out.println("updated the auth section of " + readme);
      }
    }
  }
}
