package com.whatsappclone.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's HTTP side door for Prometheus and orchestrators (issue 19), on its own port
 * ({@code *_METRICS_PORT}), plain HTTP:
 *
 * <ul>
 *   <li>{@code GET /metrics}: every series of the registry, Prometheus' text format;
 *   <li>{@code GET /health/live}: 200 while the process runs;
 *   <li>{@code GET /health/ready}: 200 while the service's overall gRPC health is SERVING, else
 *       503 with the status (NOT_SERVING while a dependency is down, during a drain...) and, one
 *       per line, each failing readiness condition and why ({@code database: ...}). The status is
 *       what grpc.health.v1 answers, read in process: there is one health model, not two.
 * </ul>
 *
 * <p>The JDK's HTTP server on one daemon thread: a scrape every few seconds needs no more. The
 * JVM's binders are bound while it runs ({@link JvmBinders}).
 */
public final class MetricsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  /** Prometheus' text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;
  private final JvmBinders jvm;

  private MetricsServer(HttpServer http, ExecutorService executor, JvmBinders jvm) {
    this.http = http;
    this.executor = executor;
    this.jvm = jvm;
  }

  /**
   * Binds the JVM's series and serves the endpoints on {@code metrics.settings()}' host and port.
   *
   * @param readiness the service's overall serving status, asked at each /health/ready
   * @param problems  the failing readiness conditions and why, by name, listed under the status
   * @throws IllegalStateException when metrics are off (METRICS_ENABLED=false): nothing is served then
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static MetricsServer start(ServiceMetrics metrics, Supplier<ServingStatus> readiness,
      Supplier<Map<String, String>> problems) {
    MetricsSettings settings = metrics.settings();
    if (!settings.enabled()) {
      throw new IllegalStateException("metrics of " + metrics.service() + " are off (" + MetricsSettings.ENABLED + ")");
    }
    InetSocketAddress address = settings.bindHost()
        .map(host -> new InetSocketAddress(host, settings.port()))
        .orElseGet(() -> new InetSocketAddress(settings.port()));
    HttpServer http;
    try {
      http = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(metrics.service() + " could not serve its metrics on port " + settings.port()
          + ": " + e.getMessage(), e);
    }
    http.createContext("/metrics", exchange -> answer(exchange, "/metrics",
        () -> new Response(200, PROMETHEUS_TEXT, metrics.scrape())));
    http.createContext("/health/live", exchange -> answer(exchange, "/health/live",
        () -> new Response(200, "text/plain; charset=utf-8", "LIVE\n")));
    http.createContext("/health/ready", exchange -> answer(exchange, "/health/ready", () -> {
      ServingStatus status = readiness.get();
      StringBuilder body = new StringBuilder().append(status).append('\n');
      problems.get().forEach((condition, problem) -> body.append(condition).append(": ").append(problem).append('\n'));
      return new Response(status == ServingStatus.SERVING ? 200 : 503, "text/plain; charset=utf-8", body.toString());
    }));
    http.createContext("/", exchange -> answer(exchange, null, null));
    ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named(metrics.service() + "-metrics-http"));
    http.setExecutor(executor);
    JvmBinders jvm = new JvmBinders(metrics.registry());
    http.start();
    log.info("{} metrics on :{} (GET /metrics, /health/live, /health/ready)", metrics.service(),
        http.getAddress().getPort());
    return new MetricsServer(http, executor, jvm);
  }

  /** The bound port (useful when started with port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    jvm.close();
  }

  private record Response(int status, String contentType, String body) {}

  /** Only the exact path, only GET (and HEAD); anything else 404 or 405. */
  private static void answer(HttpExchange exchange, String path, Supplier<Response> handler) throws IOException {
    try (exchange) {
      Response response = respond(exchange, path, handler);
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static Response respond(HttpExchange exchange, String path, Supplier<Response> handler) {
    if (path == null || !exchange.getRequestURI().getPath().equals(path)) {
      return new Response(404, "text/plain; charset=utf-8", "not found\n");
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      return new Response(405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    try {
      return handler.get();
    } catch (RuntimeException e) {
      // The JDK server would drop the connection without a word; say why, here and in the log.
      log.warn("metrics endpoint {} failed", path, e);
      return new Response(500, "text/plain; charset=utf-8", "failed: " + e + "\n");
    }
  }
}
