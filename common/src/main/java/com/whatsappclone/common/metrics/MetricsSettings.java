package com.whatsappclone.common.metrics;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServerSettings;
import java.util.Optional;

/**
 * Where a service serves its metrics and health endpoints (issue 19), read like its gRPC settings.
 *
 * @param enabled  METRICS_ENABLED (default true). Off: no HTTP server and no binders (JVM, pools,
 *                 Kafka clients, gRPC calls), so that the cost of measuring can itself be measured;
 *                 the application's own counters still count, unread
 * @param port     the service's own port setting ({@code *_METRICS_PORT}); 0 picks a free port
 * @param bindHost METRICS_BIND_HOST, else GRPC_BIND_HOST: one address instead of all interfaces
 */
public record MetricsSettings(boolean enabled, int port, Optional<String> bindHost) {

  public static final String ENABLED = "METRICS_ENABLED";
  public static final String BIND_HOST = "METRICS_BIND_HOST";

  /** Reads the settings, the port from {@code portSetting}; a bad value is recorded for {@link Settings#check()}. */
  public static MetricsSettings from(Settings settings, String portSetting, int defaultPort) {
    Optional<String> host = settings.optional(BIND_HOST).or(() -> settings.optional(GrpcServerSettings.BIND_HOST));
    return new MetricsSettings(settings.flag(ENABLED, true), settings.port(portSetting, defaultPort), host);
  }

  /** On, any free port, every interface (tests and tools that make a registry by hand). */
  public static MetricsSettings anyFreePort() {
    return new MetricsSettings(true, 0, Optional.empty());
  }

  /** Off: nothing served, nothing bound. */
  public static MetricsSettings disabled() {
    return new MetricsSettings(false, 0, Optional.empty());
  }
}
