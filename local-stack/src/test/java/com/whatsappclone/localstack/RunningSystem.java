package com.whatsappclone.localstack;

import com.whatsappclone.auth.AuthApplication;
import com.whatsappclone.chat.ChatApplication;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.metrics.ServiceMetrics;
import java.util.function.Function;
import com.whatsappclone.common.grpc.RunningServer;
import com.whatsappclone.gateway.ApiGatewayApplication;
import com.whatsappclone.realtime.RealtimeApplication;
import com.whatsappclone.realtime.RealtimeServers;
import com.whatsappclone.status.StatusApplication;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.worker.MessageWorkerApplication;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * All six services in this JVM on ephemeral loopback ports, wired as the local stack wires them,
 * against the test PostgreSQL and Kafka. Clients are meant to talk only to {@link #gatewayPort()}
 * (and the realtime WebSocket port, which is the realtime service's own door).
 */
final class RunningSystem implements AutoCloseable {

  static final String JWT_SECRET = "end-to-end-test-secret-0123456789abcdef";

  private final Deque<RunningServer> servers = new ArrayDeque<>();
  private final Map<String, Integer> backendPorts = new HashMap<>();
  private RealtimeServers realtime;
  private int gatewayPort;
  private ManagedChannel gatewayChannel;

  private int authPort;

  static RunningSystem start(TestDatabase db, String kafkaBrokers) {
    return start(db, kafkaBrokers, Map.of());
  }

  /** @param overrides settings on top of the test defaults (e.g. the gateway's limits) */
  static RunningSystem start(TestDatabase db, String kafkaBrokers, Map<String, String> overrides) {
    return start(db, kafkaBrokers, overrides, null);
  }

  /**
   * @param observe each service's metrics and tracer by service name (tests that read spans);
   *                null: each service's own, from the settings
   */
  static RunningSystem start(TestDatabase db, String kafkaBrokers, Map<String, String> overrides,
      Function<String, ServiceMetrics> observe) {
    RunningSystem system = new RunningSystem();
    try {
      system.startAll(db, kafkaBrokers, overrides, observe);
      return system;
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  private void startAll(TestDatabase db, String kafkaBrokers, Map<String, String> overrides,
      Function<String, ServiceMetrics> observe) {
    Map<String, String> values = new HashMap<>();
    values.put("DATABASE_URL", db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
        + "user=" + db.user() + (db.password() == null ? "" : "&password=" + db.password()));
    values.put("DB_MAX_POOL_SIZE", "4");
    values.put("KAFKA_BROKERS", kafkaBrokers);
    values.put("KAFKA_TOPIC_PREFIX", UniqueNames.of("e2e") + ".");
    values.put("KAFKA_TOPIC_PARTITIONS", "2");
    values.put("MESSAGE_WORKER_GROUP_ID", UniqueNames.of("e2e-worker"));
    values.put("JWT_SECRET", JWT_SECRET);
    values.put("AUTH_DEV_MODE", "true");
    values.put("GRPC_BIND_HOST", "127.0.0.1");
    values.put("GRPC_DRAIN_TIMEOUT", "1s");
    for (String port : new String[] {"AUTH_SERVICE_GRPC_PORT", "CHAT_SERVICE_GRPC_PORT", "REALTIME_SERVICE_GRPC_PORT",
        "STATUS_SERVICE_GRPC_PORT", "MESSAGE_WORKER_GRPC_PORT", "REALTIME_SERVICE_WS_PORT", "API_GATEWAY_GRPC_PORT",
        "AUTH_SERVICE_METRICS_PORT", "CHAT_SERVICE_METRICS_PORT", "REALTIME_SERVICE_METRICS_PORT",
        "STATUS_SERVICE_METRICS_PORT", "MESSAGE_WORKER_METRICS_PORT", "API_GATEWAY_METRICS_PORT"}) {
      values.put(port, "0");
    }
    values.putAll(overrides);
    Settings base = Settings.of(values);
    Clock clock = Clock.systemUTC();

    RunningServer auth = track("auth", observe == null ? AuthApplication.start(base, clock)
        : AuthApplication.start(base, clock, observe.apply("auth")));
    authPort = auth.port();
    RunningServer chat = track("chat", observe == null ? ChatApplication.start(base, clock)
        : ChatApplication.start(base, clock, observe.apply("chat")));
    track("message-worker", observe == null ? MessageWorkerApplication.start(base, clock)
        : MessageWorkerApplication.start(base, clock, observe.apply("message-worker")));
    realtime = observe == null ? RealtimeApplication.startServers(base, clock)
        : RealtimeApplication.startServers(base, clock, observe.apply("realtime"));
    servers.push(realtime.grpc());
    backendPorts.put("realtime", realtime.grpcPort());
    RunningServer status = track("status", observe == null ? StatusApplication.start(base, clock)
        : StatusApplication.start(base, clock, observe.apply("status")));

    Settings gatewaySettings = base.withOverrides(Map.of(
        "AUTH_SERVICE_ADDR", "127.0.0.1:" + auth.port(),
        "CHAT_SERVICE_ADDR", "127.0.0.1:" + chat.port(),
        "REALTIME_SERVICE_ADDR", "127.0.0.1:" + realtime.grpcPort(),
        "STATUS_SERVICE_ADDR", "127.0.0.1:" + status.port()));
    RunningServer gateway = track(observe == null ? ApiGatewayApplication.start(gatewaySettings, clock)
        : ApiGatewayApplication.start(gatewaySettings, clock, observe.apply("api-gateway")));
    gatewayPort = gateway.port();
    gatewayChannel = NettyChannelBuilder.forAddress("127.0.0.1", gatewayPort).usePlaintext().build();
  }

  private RunningServer track(RunningServer server) {
    servers.push(server);
    return server;
  }

  private RunningServer track(String backend, RunningServer server) {
    backendPorts.put(backend, server.port());
    return track(server);
  }

  /** Each backend's own gRPC port, by service name (auth, chat, message-worker, realtime, status). */
  Map<String, Integer> backendPorts() {
    return Map.copyOf(backendPorts);
  }

  int gatewayPort() {
    return gatewayPort;
  }

  /** A plaintext channel to the gateway, shared by a test class; {@link #close()} shuts it down. */
  ManagedChannel gatewayChannel() {
    return gatewayChannel;
  }

  /** Auth's own port: only for tests of what a caller bypassing the gateway can do. */
  int authPort() {
    return authPort;
  }

  int webSocketPort() {
    return realtime.webSocketPort();
  }

  /** Every service's metrics HTTP port (those with metrics on), gateway included. */
  java.util.List<Integer> metricsPorts() {
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    servers.forEach(server -> server.metricsPort().ifPresent(ports::add));
    return ports;
  }

  /** Gateway first, then the services in reverse start order. */
  @Override
  public void close() {
    if (gatewayChannel != null) {
      gatewayChannel.shutdownNow();
    }
    while (!servers.isEmpty()) {
      servers.pop().stop();
    }
    if (realtime != null) {
      realtime.stop();
    }
  }
}
