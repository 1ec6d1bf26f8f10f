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
 * @param maxConcurrentCalls GRPC_MAX_CONCURRENT_CALLS: unary calls the server works on at once;
 *                     beyond it a call is refused at once (RESOURCE_EXHAUSTED, reason
 *                     SERVER_OVERLOADED, with a RetryInfo delay) instead of queueing to its deadline
 */
public record GrpcServerSettings(int port, Optional<String> bindHost, TlsSettings tls, Duration drainTimeout,
    int maxConcurrentCalls) {

  public static final String BIND_HOST = "GRPC_BIND_HOST";
  public static final String DRAIN_TIMEOUT = "GRPC_DRAIN_TIMEOUT";
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);
  public static final String MAX_CONCURRENT_CALLS = "GRPC_MAX_CONCURRENT_CALLS";
  /**
   * Well above what the database pools serve at once (10 connections by default), so admitted
   * calls queue briefly for a connection; low enough that threads stay bounded.
   */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 128;

  /** Reads the settings, the port from {@code portSetting}; a bad value is recorded for {@link Settings#check()}. */
  public static GrpcServerSettings from(Settings settings, String portSetting, int defaultPort) {
    return new GrpcServerSettings(settings.port(portSetting, defaultPort), settings.optional(BIND_HOST),
        TlsSettings.from(settings), settings.positive(DRAIN_TIMEOUT, DEFAULT_DRAIN_TIMEOUT),
        settings.integer(MAX_CONCURRENT_CALLS, DEFAULT_MAX_CONCURRENT_CALLS, 1, 100_000));
  }
}
