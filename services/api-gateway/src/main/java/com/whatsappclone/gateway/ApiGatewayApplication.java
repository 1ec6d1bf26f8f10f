package com.whatsappclone.gateway;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.PublicMethods;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.ErrorMappingInterceptor;
import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Clock;
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

  private ApiGatewayApplication() {}

  /**
   * Starts the gateway and returns its running server; {@link GatewayServer#stop()} drains calls,
   * then stops the background checks and closes the backend channels. Backends that are down at
   * start-up do not stop it: their calls fail with {@code UNAVAILABLE} until they come up.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting
   */
  public static GatewayServer start(Settings settings, Clock clock) {
    GatewaySettings config = GatewaySettings.from(settings);
    settings.check();
    if (config.tls().internal()) {
      log.info("calls to the backends use TLS, trusting {}",
          config.tls().trustFile().map(Object::toString).orElse("the JVM's default CAs"));
    } else if (config.tls().trustFile().isPresent()) {
      log.warn("TLS_TRUST_FILE is set but INTERNAL_TLS is not: calls to the backends are plaintext");
    }

    List<AutoCloseable> resources = new ArrayList<>();
    try {
      List<Backend> backends = new ArrayList<>();
      for (BackendConfig backend : config.backends()) {
        Backend opened = new Backend(backend, config.backendConnectTimeout(), config.tls());
        backends.add(opened);
        resources.add(opened);
      }
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "api-gateway-upkeep");
        thread.setDaemon(true);
        return thread;
      });
      // Closed before the channels: the checks must not run on closed channels.
      resources.add(() -> stopScheduler(scheduler));

      InterceptedHandlers handlers = new InterceptedHandlers(List.of(
          new ErrorMappingInterceptor(),
          new ClientAddressInterceptor(config.trustedProxies()),
          // The original six AuthService RPCs, health and reflection are public; all else needs a token.
          new AuthInterceptor(config.jwt().tokenManager(clock), PublicMethods.defaults()),
          new RateLimitInterceptor(config.limits(), clock),
          new StreamLimitInterceptor(config.limits().maxStreamsPerUser())),
          ClientAddressSignature.fromJwtSecret(config.jwt().secret()));

      HealthStatusManager health = new HealthStatusManager();
      ProxyRegistry registry = new ProxyRegistry(handlers);
      BackendHealthMonitor monitor = new BackendHealthMonitor(backends, health, registry::table,
          config.backendCheckTimeout());
      ServiceDiscovery discovery = new ServiceDiscovery(backends, config.backendCheckTimeout(),
          new RouteCatalog(backends, handlers), registry, monitor::publish, scheduler);
      registry.onUnknownMethod(discovery::refreshSoon);

      discovery.refreshAll();
      monitor.checkAll();
      GatewayServer server = GatewayServer.start("api-gateway", config.port(), config.bindHost(), config.tls(),
          registry, health, config.drainTimeout(), resources);

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
    } catch (RuntimeException e) {
      for (int i = resources.size() - 1; i >= 0; i--) {
        closeQuietly(resources.get(i), e);
      }
      throw e;
    }
  }

  /** A failed run must not end the schedule: scheduleWithFixedDelay stops at the first exception. */
  private static void runLogged(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("{} failed", what, e);
    }
  }

  private static void stopScheduler(ScheduledExecutorService scheduler) {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
