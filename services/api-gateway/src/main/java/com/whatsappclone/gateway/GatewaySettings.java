package com.whatsappclone.gateway;

import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.common.net.TrustedProxies;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting the gateway reads, read together so that {@link Settings#check()} names all problems.
 *
 * @param tls TLS_CERT_FILE / TLS_KEY_FILE: the clients' server serves TLS; INTERNAL_TLS and
 *     TLS_TRUST_FILE: the calls to the backends (forwarded calls, health checks, reflection) do
 */
public record GatewaySettings(
    int port,
    Optional<String> bindHost,
    JwtSettings jwt,
    TlsSettings tls,
    Duration drainTimeout,
    List<BackendConfig> backends,
    LimitSettings limits,
    TrustedProxies trustedProxies,
    Duration healthCheckInterval,
    Duration discoveryInterval,
    Duration backendCheckTimeout,
    Duration backendConnectTimeout) {

  /** Binds the gRPC server to one address (tests use 127.0.0.1); all interfaces when unset. */
  public static final String GRPC_BIND_HOST = "GRPC_BIND_HOST";

  public static GatewaySettings from(Settings settings) {
    int port = settings.port(ServicePorts.API_GATEWAY_GRPC_PORT, ServicePorts.DEFAULT_API_GATEWAY_GRPC_PORT);
    Optional<String> host = settings.optional(GRPC_BIND_HOST);
    JwtSettings jwt = JwtSettings.from(settings);
    TlsSettings tls = TlsSettings.from(settings);
    Duration drain = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
    List<BackendConfig> backends = BackendConfig.allFrom(settings);
    LimitSettings limits = LimitSettings.from(settings);
    TrustedProxies proxies = TrustedProxies.none();
    try {
      proxies = TrustedProxies.parse(settings.string("GATEWAY_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      settings.reportProblem("GATEWAY_TRUSTED_PROXIES: " + e.getMessage());
    }
    Duration health = positive(settings, "GATEWAY_HEALTH_CHECK_INTERVAL", Duration.ofSeconds(5));
    Duration discovery = positive(settings, "GATEWAY_DISCOVERY_INTERVAL", Duration.ofMinutes(1));
    Duration checkTimeout = positive(settings, "GATEWAY_BACKEND_CHECK_TIMEOUT", Duration.ofSeconds(3));
    Duration connectTimeout = positive(settings, "GATEWAY_BACKEND_CONNECT_TIMEOUT", Duration.ofSeconds(5));
    return new GatewaySettings(port, host, jwt, tls, drain, backends, limits, proxies, health, discovery,
        checkTimeout, connectTimeout);
  }

  private static Duration positive(Settings settings, String name, Duration fallback) {
    Duration value = settings.duration(name, fallback);
    if (value.isNegative() || value.isZero()) {
      settings.reportProblem(name + " must be positive (got " + value + ")");
      return fallback;
    }
    return value;
  }
}
