package com.whatsappclone.common.grpc;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.net.TlsSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of a service's gRPC server, the same for every service and the gateway.
 *
 * @param port         the service's own port setting ({@code *_GRPC_PORT}); 0 picks a free port
 * @param bindHost     GRPC_BIND_HOST: one address instead of all interfaces (tests use 127.0.0.1)
 * @param tls          TLS_CERT_FILE / TLS_KEY_FILE: served over TLS when both are set
 * @param drainTimeout GRPC_DRAIN_TIMEOUT: on SIGTERM, how long in-flight calls (open Connect
 *                     streams too, which never end by themselves) may finish before they are cancelled
 */
public record GrpcServerSettings(int port, Optional<String> bindHost, TlsSettings tls, Duration drainTimeout) {

  public static final String BIND_HOST = "GRPC_BIND_HOST";
  public static final String DRAIN_TIMEOUT = "GRPC_DRAIN_TIMEOUT";
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

  /** Reads the settings, the port from {@code portSetting}; a bad value is recorded for {@link Settings#check()}. */
  public static GrpcServerSettings from(Settings settings, String portSetting, int defaultPort) {
    return new GrpcServerSettings(settings.port(portSetting, defaultPort), settings.optional(BIND_HOST),
        TlsSettings.from(settings), settings.positive(DRAIN_TIMEOUT, DEFAULT_DRAIN_TIMEOUT));
  }
}
