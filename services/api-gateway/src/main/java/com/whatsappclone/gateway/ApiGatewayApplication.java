package com.whatsappclone.gateway;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.PublicMethods;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import com.whatsappclone.common.lifecycle.Resources;
import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the API gateway by hand: one channel per backend, the route table read from the backends'
 * reflection, the interceptors of the edge (authentication, limits), health and the server.
 */
public final class ApiGatewayApplication {

  private static final Logger log = LoggerFactory.getLogger(ApiGatewayApplication.class);

  /** How long a check interrupted at stop may take to notice. */
  private static final Duration SCHEDULER_STOP_WAIT = Duration.ofSeconds(10);

  private ApiGatewayApplication() {}

  /**
   * Starts the gateway and returns its running server; {@link GrpcServer#stop()} drains calls,
   * then stops the background checks and closes the backend channels. Backends that are down at
   * start-up do not stop it: their calls fail with {@code UNAVAILABLE} until they come up.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting
   */
  public static GrpcServer start(Settings settings, Clock clock) {
    return start(settings, clock, ServiceMetrics.fromSettings(settings, "api-gateway",
        ServicePorts.API_GATEWAY_METRICS_PORT, ServicePorts.DEFAULT_API_GATEWAY_METRICS_PORT));
  }

  /** As {@link #start(Settings, Clock)}, counting into {@code metrics} (tests read them back). */
  public static GrpcServer start(Settings settings, Clock clock, ServiceMetrics metrics) {
    GatewaySettings config = GatewaySettings.from(settings);
    settings.check();
    if (config.tls().internal()) {
      log.info("calls to the backends use TLS, trusting {}",
          config.tls().trustFile().map(Object::toString).orElse("the JVM's default CAs"));
    } else if (config.tls().trustFile().isPresent()) {
      log.warn("TLS_TRUST_FILE is set but INTERNAL_TLS is not: calls to the backends are plaintext");
    }

    // Closed last-pushed first, at stop or after a failed start: the checks stop before the
    // channels they use, the channels before their threads.
    // One registry per service instance (the caller's); every part that counts something gets it (issue 19).
    return Resources.startOrClose(resources -> {
      BackendThreads backendThreads = resources.push(new BackendThreads());
      List<Backend> backends = new ArrayList<>();
      for (BackendConfig backend : config.backends()) {
        backends.add(resources.push(new Backend(backend, config.backendConnectTimeout(), config.tls(), backendThreads,
            metrics)));
      }
      ScheduledExecutorService scheduler = resources.interruptOnClose(
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("api-gateway-upkeep")), SCHEDULER_STOP_WAIT);

      ForwardingHandlers handlers = new ForwardingHandlers(ClientAddressSignature.fromJwtSecret(config.jwt().secret()));
      HealthStatusManager health = new HealthStatusManager();
      ProxyRegistry registry = new ProxyRegistry(handlers);
      BackendHealthMonitor monitor = new BackendHealthMonitor(backends, health, registry::table,
          config.backendCheckTimeout());
      ServiceDiscovery discovery = new ServiceDiscovery(backends, config.backendCheckTimeout(),
          new RouteCatalog(backends, handlers), registry, monitor::publish, scheduler);
      registry.onUnknownMethod(discovery::refreshSoon);

      discovery.refreshAll();
      monitor.checkAll();
      GrpcServer server = GrpcServer.builder("api-gateway", config.grpc())
          // Forwarding never blocks a thread: few threads carry many admitted calls.
          .callThreads(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()))
          .intercept(new ForwardedForInterceptor(config.trustedProxies()))
          // The original six AuthService RPCs, health and reflection are public; all else needs a token.
          .intercept(new AuthInterceptor(config.jwt().tokenManager(clock), PublicMethods.defaults()))
          .intercept(new RateLimitInterceptor(config.limits(), clock, metrics.registry()))
          .intercept(new StreamLimitInterceptor(config.limits().maxStreamsPerUser()))
          .fallback(registry)
          .health(health)
          .metrics(metrics)
          .closeOnStop(resources)
          .start();

      long healthMillis = config.healthCheckInterval().toMillis();
      scheduler.scheduleWithFixedDelay(() -> runLogged("health check", () -> {
        for (Backend recovered : monitor.checkAll()) {
          discovery.refresh(recovered);
        }
      }), healthMillis, healthMillis, TimeUnit.MILLISECONDS);
      long discoveryMillis = config.discoveryInterval().toMillis();
      scheduler.scheduleWithFixedDelay(() -> runLogged("service discovery", discovery::refreshAll),
          discoveryMillis, discoveryMillis, TimeUnit.MILLISECONDS);
      return server;
    });
  }

  /** A failed run must not end the schedule: scheduleWithFixedDelay stops at the first exception. */
  private static void runLogged(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("{} failed", what, e);
    }
  }
}
