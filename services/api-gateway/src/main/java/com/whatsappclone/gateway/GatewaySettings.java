package com.whatsappclone.gateway;

import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServerSettings;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.common.net.TrustedProxies;
import java.time.Duration;
import java.util.List;

/**
 * Every setting the gateway reads, read together so that {@link Settings#check()} names all problems.
 *
 * @param grpc the clients' server, as every service's (API_GATEWAY_GRPC_PORT, GRPC_BIND_HOST,
 *     GRPC_DRAIN_TIMEOUT) but with GATEWAY_MAX_CONCURRENT_CALLS; its TLS: TLS_CERT_FILE / TLS_KEY_FILE, the clients' server serves TLS;
 *     INTERNAL_TLS and TLS_TRUST_FILE, the calls to the backends (forwarded calls, health checks,
 *     reflection) do
 */
public record GatewaySettings(
    GrpcServerSettings grpc,
    JwtSettings jwt,
    List<BackendConfig> backends,
    LimitSettings limits,
    TrustedProxies trustedProxies,
    Duration healthCheckInterval,
    Duration discoveryInterval,
    Duration backendCheckTimeout,
    Duration backendConnectTimeout) {

  /** Binds the gRPC server to one address (tests use 127.0.0.1); all interfaces when unset. */
  public static final String GRPC_BIND_HOST = GrpcServerSettings.BIND_HOST;
  /** Unary calls the gateway forwards at once; beyond it RESOURCE_EXHAUSTED (SERVER_OVERLOADED). */
  public static final String MAX_CONCURRENT_CALLS = "GATEWAY_MAX_CONCURRENT_CALLS";
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 1024;

  public int port() {
    return grpc.port();
  }

  /** The TLS of the clients' server and of the calls to the backends. */
  public TlsSettings tls() {
    return grpc.tls();
  }

  public static GatewaySettings from(Settings settings) {
    GrpcServerSettings common = GrpcServerSettings.from(settings, ServicePorts.API_GATEWAY_GRPC_PORT,
        ServicePorts.DEFAULT_API_GATEWAY_GRPC_PORT);
    // Its own bound instead of GRPC_MAX_CONCURRENT_CALLS: a forwarded call holds no thread, and
    // each backend refuses its own excess.
    GrpcServerSettings grpc = new GrpcServerSettings(common.port(), common.bindHost(), common.tls(),
        common.drainTimeout(), settings.integer(MAX_CONCURRENT_CALLS, DEFAULT_MAX_CONCURRENT_CALLS, 1, 1_000_000));
    JwtSettings jwt = JwtSettings.from(settings);
    List<BackendConfig> backends = BackendConfig.allFrom(settings);
    LimitSettings limits = LimitSettings.from(settings);
    TrustedProxies proxies = TrustedProxies.none();
    try {
      proxies = TrustedProxies.parse(settings.string("GATEWAY_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      settings.reportProblem("GATEWAY_TRUSTED_PROXIES: " + e.getMessage());
    }
    Duration health = settings.positive("GATEWAY_HEALTH_CHECK_INTERVAL", Duration.ofSeconds(5));
    Duration discovery = settings.positive("GATEWAY_DISCOVERY_INTERVAL", Duration.ofMinutes(1));
    Duration checkTimeout = settings.positive("GATEWAY_BACKEND_CHECK_TIMEOUT", Duration.ofSeconds(3));
    Duration connectTimeout = settings.positive("GATEWAY_BACKEND_CONNECT_TIMEOUT", Duration.ofSeconds(5));
    return new GatewaySettings(grpc, jwt, backends, limits, proxies, health, discovery,
        checkTimeout, connectTimeout);
  }
}
