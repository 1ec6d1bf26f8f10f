package com.whatsappclone.localstack;

import com.whatsappclone.auth.AuthApplication;
import com.whatsappclone.chat.ChatApplication;
import com.whatsappclone.common.config.DatabaseUrl;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.common.db.UnrecognisedSchemaException;
import com.whatsappclone.common.grpc.RunningServer;
import com.whatsappclone.common.grpc.ServiceLauncher;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.gateway.ApiGatewayApplication;
import com.whatsappclone.realtime.RealtimeApplication;
import com.whatsappclone.status.StatusApplication;
import com.whatsappclone.worker.MessageWorkerApplication;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process: an embedded PostgreSQL and Kafka (unless DATABASE_URL /
 * KAFKA_BROKERS point at servers that already run), then the six services, each on its own port,
 * started by the same classes and settings as when they run alone.
 */
public final class LocalStackMain {

  private static final Logger log = LoggerFactory.getLogger(LocalStackMain.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final String WORKER_INSTANCE_ID = "MESSAGE_WORKER_INSTANCE_ID";

  private record ServiceSpec(String name, String portSetting, int defaultPort, ServiceLauncher.Starter starter) {}

  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  public static void main(String[] args) throws Exception {
    LocalStackMain stack = new LocalStackMain();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.stop();
      stopped.countDown();
    }, "local-stack-shutdown"));
    try {
      stack.start(Settings.load(), Path.of(".data"));
    } catch (SettingsException | UnrecognisedSchemaException e) {
      log.error("cannot start. {}", e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      log.error("local stack failed to start", e);
      System.exit(1);
    }
    stopped.await();
  }

  /**
   * Starts PostgreSQL and Kafka (unless the settings point at running ones, with data under
   * {@code dataDirectory}) and the six services, and returns once all are SERVING. Also the entry
   * point for embedding the stack in another program (the benchmarks); {@link #stop()} undoes it.
   */
  public void start(Settings settings, Path dataDirectory) throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    tlsBetweenTheServices(settings, overrides);
    // Bad TLS files stop the stack before it starts anything.
    Settings withTls = settings.withOverrides(overrides);
    TlsSettings tls = TlsSettings.from(withTls);
    withTls.check();
    startPostgresIfNeeded(settings, dataDirectory.resolve("postgres"), overrides);
    startKafkaIfNeeded(settings, dataDirectory.resolve("kafka"), overrides);
    Settings effective = settings.withOverrides(overrides);

    List<ServiceSpec> services = List.of(
        new ServiceSpec("auth", ServicePorts.AUTH_SERVICE_GRPC_PORT, ServicePorts.DEFAULT_AUTH_SERVICE_GRPC_PORT,
            s -> AuthApplication.start(s, Clock.systemUTC())),
        new ServiceSpec("chat", ServicePorts.CHAT_SERVICE_GRPC_PORT, ServicePorts.DEFAULT_CHAT_SERVICE_GRPC_PORT,
            s -> ChatApplication.start(s, Clock.systemUTC())),
        new ServiceSpec("message-worker", ServicePorts.MESSAGE_WORKER_GRPC_PORT,
            ServicePorts.DEFAULT_MESSAGE_WORKER_GRPC_PORT, s -> MessageWorkerApplication.start(s, Clock.systemUTC())),
        new ServiceSpec("realtime", ServicePorts.REALTIME_SERVICE_GRPC_PORT,
            ServicePorts.DEFAULT_REALTIME_SERVICE_GRPC_PORT, s -> RealtimeApplication.start(s, Clock.systemUTC())),
        new ServiceSpec("status", ServicePorts.STATUS_SERVICE_GRPC_PORT, ServicePorts.DEFAULT_STATUS_SERVICE_GRPC_PORT,
            s -> StatusApplication.start(s, Clock.systemUTC())),
        new ServiceSpec("api-gateway", ServicePorts.API_GATEWAY_GRPC_PORT,
            ServicePorts.DEFAULT_API_GATEWAY_GRPC_PORT, s -> ApiGatewayApplication.start(s, Clock.systemUTC())));

    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<String, OptionalInt> metricsPorts = new LinkedHashMap<>();
    for (ServiceSpec spec : services) {
      RunningServer server = spec.starter().start(effective);
      running.push(server::stop);
      ports.put(spec.name(), server.port());
      metricsPorts.put(spec.name(), server.metricsPort());
    }
    for (Map.Entry<String, Integer> service : ports.entrySet()) {
      Readiness.awaitServing(service.getKey(), service.getValue(), tls, READY_TIMEOUT);
    }
    printEndpoints(effective, ports, metricsPorts, tls.serverTls());
  }

  private void startPostgresIfNeeded(Settings settings, Path dataDirectory, Map<String, String> overrides)
      throws Exception {
    DatabaseUrl url = settings.databaseUrl("DATABASE_URL").orElse(null);
    settings.check();
    URI location = URI.create(url.jdbcUrl().substring("jdbc:".length()));
    String host = location.getHost() == null ? "localhost" : location.getHost();
    int port = location.getPort() == -1 ? 5432 : location.getPort();
    if (!Ports.isLocalHost(host) || Ports.isListening(host, port)) {
      log.info("using the PostgreSQL at {}:{} (DATABASE_URL)", host, port);
      return;
    }
    String database = location.getPath().substring(1);
    String role = url.user() == null ? "postgres" : url.user();
    LocalPostgres postgres = LocalPostgres.start(dataDirectory, port, role, url.password(), database);
    running.push(postgres);
  }

  private void startKafkaIfNeeded(Settings settings, Path dataDirectory, Map<String, String> overrides)
      throws Exception {
    String brokers = settings.required("KAFKA_BROKERS", "Kafka bootstrap servers, e.g. localhost:9092");
    settings.check();
    String first = brokers.split(",")[0].trim();
    String host = first.substring(0, first.lastIndexOf(':'));
    int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    if (!Ports.isLocalHost(host) || Ports.isListening(host, port)) {
      log.info("using the Kafka at {} (KAFKA_BROKERS)", brokers);
      return;
    }
    int controllerPort = settings.port("LOCAL_KAFKA_CONTROLLER_PORT", 9093);
    LocalKafka kafka = LocalKafka.start(dataDirectory, host, port, controllerPort);
    running.push(kafka);
    overrides.put("KAFKA_BROKERS", host + ":" + port);
    ownWorkerInstanceId(settings, overrides);
  }

  /**
   * With its own broker the stack's worker is the only member of its group that can ever exist
   * (another stack finds the port taken and uses this one's broker as an external Kafka, without
   * this default), so a fixed instance id is safe here. After a kill -9 of the stack, the restarted
   * worker then takes its partitions back at once instead of waiting for the dead member's session.
   */
  private static void ownWorkerInstanceId(Settings settings, Map<String, String> overrides) {
    if (settings.optional(WORKER_INSTANCE_ID).isEmpty()) {
      overrides.put(WORKER_INSTANCE_ID, "local-stack");
    }
  }

  /**
   * Every service of the stack shares these settings, so with TLS_CERT_FILE all of them serve TLS:
   * the gateway must then call them over TLS too (INTERNAL_TLS), trusting their certificate
   * (TLS_TRUST_FILE defaults to TLS_CERT_FILE, which suits a self-signed one). Either may be set
   * explicitly instead.
   */
  private static void tlsBetweenTheServices(Settings settings, Map<String, String> overrides) {
    Optional<String> cert = settings.optional(TlsSettings.CERT_FILE);
    if (cert.isEmpty()) {
      return;
    }
    if (settings.optional(TlsSettings.INTERNAL).isEmpty()) {
      overrides.put(TlsSettings.INTERNAL, "true");
    }
    if (settings.optional(TlsSettings.TRUST_FILE).isEmpty()) {
      overrides.put(TlsSettings.TRUST_FILE, cert.get());
    }
  }

  /** Each service's gRPC address and its metrics URL (GET /metrics; /health/ready beside it), when metrics are on. */
  private static void printEndpoints(Settings settings, Map<String, Integer> ports, Map<String, OptionalInt> metricsPorts,
      boolean tls) {
    int wsPort = settings.port(ServicePorts.REALTIME_SERVICE_WS_PORT, ServicePorts.DEFAULT_REALTIME_SERVICE_WS_PORT);
    StringBuilder table = new StringBuilder();
    table.append(System.lineSeparator())
        .append(String.format("  %-16s %-28s %s%n", "service", "endpoint", "metrics"))
        .append(String.format("  %-16s %-28s %s%n", "-------", "--------", "-------"));
    for (Map.Entry<String, Integer> service : ports.entrySet()) {
      OptionalInt metrics = metricsPorts.getOrDefault(service.getKey(), OptionalInt.empty());
      table.append(String.format("  %-16s %-28s %s%n", service.getKey(),
          String.format("localhost:%d (gRPC%s)", service.getValue(), tls ? " over TLS" : ""),
          metrics.isPresent() ? "http://localhost:" + metrics.getAsInt() + "/metrics" : "off (METRICS_ENABLED)"));
    }
    table.append(String.format("  %-16s %s://localhost:%d/ws%n", "realtime (ws)", tls ? "wss" : "ws", wsPort));
    table.append(String.format("%n  Clients and Postman: localhost:%d (the gateway; server reflection on%s)%n",
        ports.get("api-gateway"), tls ? "; TLS on" : ""));
    System.out.println(table);
    System.out.println("ready: all services are SERVING (Ctrl-C stops everything)");
  }

  /** Services first (newest first), then Kafka and PostgreSQL. */
  public void stop() {
    while (!running.isEmpty()) {
      AutoCloseable resource = running.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("stopping {} failed", resource, e);
      }
    }
  }
}
