package com.whatsappclone.bench;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.localstack.LocalStackMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the benchmarks run against: the embedded local stack started in this process (fresh data
 * in a temporary directory, free loopback ports, so it never meets a developer's running stack),
 * or a deployment given by address.
 */
final class BenchStack implements AutoCloseable {

  /** A JDBC target for the PostgreSQL limits (and, embedded, for counting server-side state). */
  record Jdbc(String url, String user, String password) {}

  private final String gateway;
  private final InetSocketAddress webSocket;
  private final Optional<Jdbc> database;
  private final Optional<String> kafka;
  private final LocalStackMain embedded;
  private final Path dataDirectory;
  private final Map<String, String> benchSettings;
  /** Every setting the embedded stack started with (secret included); empty for a deployment. */
  private final Map<String, String> stackSettings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BenchStack(String gateway, InetSocketAddress webSocket, Optional<Jdbc> database, Optional<String> kafka,
      LocalStackMain embedded, Path dataDirectory, Map<String, String> benchSettings, Map<String, String> stackSettings) {
    this.gateway = gateway;
    this.webSocket = webSocket;
    this.database = database;
    this.kafka = kafka;
    this.embedded = embedded;
    this.dataDirectory = dataDirectory;
    this.benchSettings = benchSettings;
    this.stackSettings = stackSettings;
  }

  static BenchStack remote(BenchOptions options) {
    String ws = options.webSocket().orElseThrow();
    int colon = ws.lastIndexOf(':');
    Optional<Jdbc> database = options.databaseUrl()
        .map(url -> new Jdbc(url, options.databaseUser().orElse(null), options.databasePassword().orElse(null)));
    return new BenchStack(options.gateway().orElseThrow(),
        InetSocketAddress.createUnresolved(ws.substring(0, colon), Integer.parseInt(ws.substring(colon + 1))),
        database, options.kafka(), null, null, Map.of(), Map.of());
  }

  /** Starts PostgreSQL, Kafka and the six services in this JVM; returns when all are SERVING. */
  static BenchStack startEmbedded() throws Exception {
    return startEmbedded(Map.of());
  }

  /**
   * The same with {@code extra} settings on top of the bench's (the push bench's PUSH_* ones);
   * they are listed in {@link #benchSettings()} too.
   */
  static BenchStack startEmbedded(Map<String, String> extra) throws Exception {
    Path data = Files.createTempDirectory("whatsapp-bench-");
    int postgres = freePort();
    int kafkaPort = freePort();
    String host = "127.0.0.1";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("DATABASE_URL", "postgres://bench:bench@" + host + ":" + postgres + "/whatsapp_bench?sslmode=disable");
    settings.put("KAFKA_BROKERS", host + ":" + kafkaPort);
    settings.put("LOCAL_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()));
    settings.put("JWT_SECRET", randomSecret());
    settings.put("AUTH_DEV_MODE", "true");
    settings.put("GRPC_BIND_HOST", host);
    settings.put("REALTIME_WS_BIND_HOST", host);
    settings.put("GRPC_DRAIN_TIMEOUT", "2s");
    int gatewayPort = freePort();
    settings.put("API_GATEWAY_GRPC_PORT", String.valueOf(gatewayPort));
    for (String service : new String[] {"AUTH", "CHAT", "REALTIME", "STATUS"}) {
      int port = freePort();
      settings.put(service + "_SERVICE_GRPC_PORT", String.valueOf(port));
      settings.put(service + "_SERVICE_ADDR", host + ":" + port);
    }
    settings.put("MESSAGE_WORKER_GRPC_PORT", String.valueOf(freePort()));
    // Metrics on free ports too: a bench must not collide with a stack running beside it.
    for (String service : new String[] {"AUTH_SERVICE", "CHAT_SERVICE", "REALTIME_SERVICE", "STATUS_SERVICE",
        "MESSAGE_WORKER", "API_GATEWAY"}) {
      settings.put(service + "_METRICS_PORT", "0");
    }
    int wsPort = freePort();
    settings.put("REALTIME_SERVICE_WS_PORT", String.valueOf(wsPort));
    // Every load-generating client comes from 127.0.0.1: the per-address limit on the public
    // (sign-in) methods would measure the limiter, not the service. The per-user limits stay.
    settings.put("GATEWAY_IP_RATE_PER_SECOND", "1000000");
    settings.put("GATEWAY_IP_BURST", "1000000");
    // Likewise the WebSocket connections: tens of thousands from one address, and the connection
    // capacity phase holds about 20 per bench user (its 1,000 users' tokens, over and over).
    settings.put("MAX_CONNECTIONS_PER_ADDRESS", "1000000");
    settings.put("MAX_CONNECTIONS_PER_USER", "10000");
    settings.put("HANDSHAKES_PER_ADDRESS_PER_SECOND", "1000000");
    settings.put("HANDSHAKE_BURST_PER_ADDRESS", "1000000");
    settings.putAll(extra);

    LocalStackMain stack = new LocalStackMain();
    try {
      stack.start(Settings.of(settings), data);
    } catch (Exception e) {
      stack.stop();
      deleteTree(data);
      throw e;
    }
    Map<String, String> described = new LinkedHashMap<>();
    described.put("GATEWAY_IP_RATE_PER_SECOND", "1000000");
    described.put("GATEWAY_IP_BURST", "1000000");
    described.put("MAX_CONNECTIONS_PER_ADDRESS", "1000000");
    described.put("MAX_CONNECTIONS_PER_USER", "10000");
    described.put("HANDSHAKES_PER_ADDRESS_PER_SECOND", "1000000");
    described.put("HANDSHAKE_BURST_PER_ADDRESS", "1000000");
    described.put("AUTH_DEV_MODE", "true");
    described.put("GRPC_BIND_HOST", host);
    described.put("REALTIME_WS_BIND_HOST", host);
    described.put("GRPC_DRAIN_TIMEOUT", "2s");
    described.putAll(extra);
    return new BenchStack(host + ":" + gatewayPort, new InetSocketAddress(host, wsPort),
        Optional.of(new Jdbc("jdbc:postgresql://" + host + ":" + postgres + "/whatsapp_bench", "bench", "bench")),
        Optional.of(host + ":" + kafkaPort), stack, data, described, Map.copyOf(settings));
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * Gives the embedded database's planner statistics for the rows the bench just made (users,
   * conversations), as autovacuum would within a minute or two in a deployment. Without them
   * PostgreSQL plans for near-empty tables: the presence query of every WebSocket connection
   * became a sequential scan and hash join, 1 ms instead of 0.04 ms, a third of the server's
   * statement time in the reconnect storm. Against a deployment it does nothing.
   */
  void analyzeDatabase() throws SQLException {
    if (embedded == null || database.isEmpty()) {
      return;
    }
    Jdbc jdbc = database.get();
    try (Connection connection = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
         Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE");
    }
  }

  String gateway() {
    return gateway;
  }

  InetSocketAddress webSocket() {
    return webSocket.isUnresolved()
        ? new InetSocketAddress(webSocket.getHostString(), webSocket.getPort())
        : webSocket;
  }

  Optional<Jdbc> database() {
    return database;
  }

  Optional<String> kafka() {
    return kafka;
  }

  /**
   * The settings for one more realtime instance in a child process ({@link RealtimeProcess}): the
   * embedded stack's database, Kafka, JWT secret, bind addresses and connection limits, with
   * ports of its own. Empty for a deployment.
   */
  Map<String, String> extraRealtimeSettings() throws IOException {
    if (!isEmbedded()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : new String[] {"DATABASE_URL", "KAFKA_BROKERS", "JWT_SECRET", "GRPC_BIND_HOST",
        "REALTIME_WS_BIND_HOST", "GRPC_DRAIN_TIMEOUT", "MAX_CONNECTIONS_PER_ADDRESS", "HANDSHAKES_PER_ADDRESS_PER_SECOND",
        "HANDSHAKE_BURST_PER_ADDRESS"}) {
      out.put(name, stackSettings.get(name));
    }
    // The capacity test holds about 20 connections per bench user's token.
    out.put("MAX_CONNECTIONS_PER_USER", "10000");
    out.put("REALTIME_SERVICE_GRPC_PORT", String.valueOf(freePort()));
    out.put("REALTIME_SERVICE_WS_PORT", String.valueOf(freePort()));
    out.put("REALTIME_SERVICE_METRICS_PORT", "0");
    return out;
  }

  /** The embedded message worker's gRPC port (its health service tells when push reads). */
  int messageWorkerPort() {
    return Integer.parseInt(stackSettings.get("MESSAGE_WORKER_GRPC_PORT"));
  }

  /** Settings the embedded stack runs with that differ from .env.local's. */
  Map<String, String> benchSettings() {
    return benchSettings;
  }

  /** The embedded PostgreSQL's server process, read from its postmaster.pid (to measure its CPU). */
  OptionalLong postgresPid() {
    if (dataDirectory == null) {
      return OptionalLong.empty();
    }
    try {
      String first = Files.readAllLines(dataDirectory.resolve("postgres").resolve("postmaster.pid")).get(0).trim();
      return OptionalLong.of(Long.parseLong(first));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    if (embedded != null && closed.compareAndSet(false, true)) {
      embedded.stop();
      deleteTree(dataDirectory);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      System.err.println("could not delete the benchmark's data directory " + root + ": " + e.getMessage());
    }
  }
}
