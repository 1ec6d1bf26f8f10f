package com.whatsappclone.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite's stack, every part a process of its own: PostgreSQL (zonky, hosted by a child
 * JVM), a Kafka broker (child JVM), gateway, auth, chat, status, two message workers and two
 * realtime instances (child JVMs of the services' own *Main classes, configured by environment
 * only). Fresh temporary data, free loopback ports; every process is killed at {@link #close()}
 * and by a shutdown hook, the PostgreSQL server (which can outlive its host) by its pid.
 */
final class FaultStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FaultStack.class);
  static final String HOST = "127.0.0.1";

  final Path data;
  final Path logs;
  final int postgresPort;
  final int kafkaPort;
  final int gatewayPort;
  final int[] webSocketPorts = new int[2];
  final FaultChild postgres;
  final FaultChild kafka;
  final FaultChild gateway;
  final FaultChild auth;
  final FaultChild chat;
  final FaultChild status;
  final FaultChild[] workers = new FaultChild[2];
  final FaultChild[] realtime = new FaultChild[2];
  /** Settings the services run with that differ from the defaults (no secret). */
  final Map<String, String> describedSettings = new LinkedHashMap<>();
  private final Thread killOnExit;

  FaultStack(Path logs) throws IOException {
    this.data = Files.createTempDirectory("whatsapp-faults-");
    this.logs = Files.createDirectories(logs);
    postgresPort = freePort();
    kafkaPort = freePort();
    int controllerPort = freePort();
    gatewayPort = freePort();
    int authPort = freePort();
    int chatPort = freePort();
    int statusPort = freePort();
    int[] realtimeGrpc = {freePort(), freePort()};
    webSocketPorts[0] = freePort();
    webSocketPorts[1] = freePort();

    Map<String, String> common = new LinkedHashMap<>();
    common.put("DATABASE_URL", "postgres://bench:bench@" + HOST + ":" + postgresPort + "/whatsapp_faults?sslmode=disable");
    common.put("KAFKA_BROKERS", HOST + ":" + kafkaPort);
    common.put("JWT_SECRET", randomSecret());
    Map<String, String> open = new LinkedHashMap<>();
    open.put("AUTH_DEV_MODE", "true");
    open.put("GRPC_BIND_HOST", HOST);
    open.put("REALTIME_WS_BIND_HOST", HOST);
    open.put("GRPC_DRAIN_TIMEOUT", "2s");
    open.put("LOG_LEVEL", "INFO");
    // One client address and a few users: the per-address and per-user limits would measure the
    // limiters, and retried sends come in bursts after a fault.
    open.put("GATEWAY_IP_RATE_PER_SECOND", "100000");
    open.put("GATEWAY_IP_BURST", "100000");
    open.put("GATEWAY_USER_RATE_PER_SECOND", "10000");
    open.put("GATEWAY_USER_BURST", "10000");
    open.put("CHAT_SEND_RATE_PER_SECOND", "10000");
    open.put("CHAT_SEND_BURST", "10000");
    open.put("MAX_CONNECTIONS_PER_ADDRESS", "100000");
    open.put("HANDSHAKES_PER_ADDRESS_PER_SECOND", "100000");
    open.put("HANDSHAKE_BURST_PER_ADDRESS", "100000");
    open.put("AUTH_SERVICE_ADDR", HOST + ":" + authPort);
    open.put("CHAT_SERVICE_ADDR", HOST + ":" + chatPort);
    open.put("STATUS_SERVICE_ADDR", HOST + ":" + statusPort);
    open.put("REALTIME_SERVICE_ADDR", HOST + ":" + realtimeGrpc[0]);
    // Metrics on free ports: two realtime instances run side by side.
    for (String service : new String[] {"AUTH_SERVICE", "CHAT_SERVICE", "REALTIME_SERVICE", "STATUS_SERVICE",
        "MESSAGE_WORKER", "API_GATEWAY"}) {
      open.put(service + "_METRICS_PORT", "0");
    }
    describedSettings.putAll(open);
    common.putAll(open);

    postgres = new FaultChild("postgres", FaultPostgresMain.class.getName(),
        List.of(data.resolve("postgres").toString(), String.valueOf(postgresPort)), Map.of(), "64m", logs, 0,
        List.of(postgresPort));
    kafka = new FaultChild("kafka", FaultKafkaMain.class.getName(),
        List.of(data.resolve("kafka").toString(), String.valueOf(kafkaPort), String.valueOf(controllerPort)),
        Map.of("LOG_LEVEL", "WARN"), "512m", logs, 0, List.of(kafkaPort));
    auth = service("auth", "com.whatsappclone.auth.AuthMain", common, Map.of("AUTH_SERVICE_GRPC_PORT", authPort), authPort);
    chat = service("chat", "com.whatsappclone.chat.ChatMain", common, Map.of("CHAT_SERVICE_GRPC_PORT", chatPort), chatPort);
    status = service("status", "com.whatsappclone.status.StatusMain", common,
        Map.of("STATUS_SERVICE_GRPC_PORT", statusPort), statusPort);
    for (int i = 0; i < 2; i++) {
      int workerPort = freePort();
      workers[i] = service("worker-" + (i + 1), "com.whatsappclone.worker.MessageWorkerMain", common,
          Map.of("MESSAGE_WORKER_GRPC_PORT", workerPort), workerPort);
      realtime[i] = new FaultChild("realtime-" + (i + 1), "com.whatsappclone.realtime.RealtimeMain", List.of(),
          with(common, Map.of("REALTIME_SERVICE_GRPC_PORT", realtimeGrpc[i], "REALTIME_SERVICE_WS_PORT", webSocketPorts[i])),
          "256m", logs, realtimeGrpc[i], List.of(webSocketPorts[i]));
    }
    gateway = service("gateway", "com.whatsappclone.gateway.ApiGatewayMain", common,
        Map.of("API_GATEWAY_GRPC_PORT", gatewayPort), gatewayPort);
    killOnExit = new Thread(this::killEverything, "faults-kill-stack");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  private FaultChild service(String name, String main, Map<String, String> common, Map<String, Integer> own, int port)
      throws IOException {
    return new FaultChild(name, main, List.of(), with(common, own), "256m", logs, port, List.of());
  }

  private static Map<String, String> with(Map<String, String> common, Map<String, Integer> own) {
    Map<String, String> out = new LinkedHashMap<>(common);
    own.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  /** The services, in start order (auth first: it migrates the database). */
  List<FaultChild> services() {
    return List.of(auth, chat, status, workers[0], workers[1], realtime[0], realtime[1], gateway);
  }

  List<FaultChild> all() {
    List<FaultChild> out = new ArrayList<>(List.of(postgres, kafka));
    out.addAll(services());
    return out;
  }

  InetSocketAddress webSocket(int instance) {
    return new InetSocketAddress(HOST, webSocketPorts[instance]);
  }

  String gatewayTarget() {
    return HOST + ":" + gatewayPort;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + postgresPort + "/whatsapp_faults";
  }

  /** PostgreSQL and Kafka, then auth (migrations), then the other services in parallel. */
  void startAll() throws Exception {
    long started = System.nanoTime();
    postgres.launch();
    kafka.launch();
    postgres.awaitReady();
    kafka.awaitReady();
    startServices();
    log.info("stack up in {} s (10 processes, logs in {})", String.format("%.1f", (System.nanoTime() - started) / 1e9), logs);
  }

  /**
   * Auth and chat first (auth migrates the database, chat creates the topics; the two cores of a
   * small machine do not start eight JVMs at once within the services' Kafka admin timeout),
   * then the others together.
   */
  void startServices() throws Exception {
    startInParallel(List.of(auth, chat));
    startInParallel(List.of(status, workers[0], workers[1], realtime[0], realtime[1], gateway));
  }

  /** Launches the given children at once and waits until each is ready; one that ends on the way is started once more. */
  static void startInParallel(List<FaultChild> children) throws Exception {
    for (FaultChild child : children) {
      child.launch();
    }
    ExecutorService waiters = Executors.newFixedThreadPool(children.size());
    try {
      List<Future<?>> ready = new ArrayList<>();
      for (FaultChild child : children) {
        ready.add(waiters.submit(() -> {
          try {
            child.awaitReady();
          } catch (java.io.IOException e) {
            if (child.isAlive()) {
              throw e;
            }
            log.warn("{} ended while starting; starting it once more ({})", child.name, e.getMessage());
            child.start();
          }
          return null;
        }));
      }
      for (Future<?> f : ready) {
        f.get();
      }
    } finally {
      waiters.shutdownNow();
    }
  }

  /** Every stopped child started again (after a scenario that left one down). */
  void restartDead() throws Exception {
    if (!postgres.isAlive() && postmasterPid().isEmpty()) {
      postgres.start();
    }
    if (!kafka.isAlive()) {
      kafka.start();
    }
    List<FaultChild> dead = services().stream().filter(c -> !c.isAlive()).toList();
    if (!dead.isEmpty()) {
      startInParallel(dead);
    }
  }

  /** The PostgreSQL server's pid from postmaster.pid, when that process is alive. */
  OptionalLong postmasterPid() {
    try {
      String first = Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).trim();
      long pid = Long.parseLong(first);
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The postmaster and its children (backends, writer, WAL writer...). */
  List<Long> postgresPids() {
    OptionalLong master = postmasterPid();
    if (master.isEmpty()) {
      return List.of();
    }
    List<Long> pids = new ArrayList<>();
    pids.add(master.getAsLong());
    ProcessHandle.of(master.getAsLong()).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    return pids;
  }

  /** kill -SIGNAL on the given pids; the exit status of kill. */
  static int signal(String signal, List<Long> pids) throws IOException, InterruptedException {
    if (pids.isEmpty()) {
      return -1;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> command.add(String.valueOf(p)));
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  Optional<FaultChild> byName(String name) {
    return all().stream().filter(c -> c.name.equals(name)).findFirst();
  }

  private void killEverything() {
    for (FaultChild child : all()) {
      try {
        child.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      signal("KILL", postgresPids());
    } catch (IOException | InterruptedException e) {
      System.err.println("could not kill the PostgreSQL server: " + e);
    }
  }

  @Override
  public void close() {
    try {
      for (FaultChild child : services()) {
        child.kill();
      }
      kafka.stop(Duration.ofSeconds(10));
      // SIGCONT first: a run that stopped during a stall must not leave a frozen server behind.
      signal("CONT", postgresPids());
      postgres.stop(Duration.ofSeconds(10));
    } catch (IOException | InterruptedException e) {
      log.warn("stopping the stack: {}", e.toString());
    }
    killEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
    deleteTree(data);
  }

  /**
   * A free port below the kernel's ephemeral range (32768 and up on Linux): the processes keep
   * their ports across restarts, and a port from that range can meanwhile be taken by any
   * outgoing connection on the machine (Kafka once failed to bind its controller port so).
   */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException e) {
        // in use: another one
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }

  private static String randomSecret() {
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e.getMessage());
    }
  }
}
