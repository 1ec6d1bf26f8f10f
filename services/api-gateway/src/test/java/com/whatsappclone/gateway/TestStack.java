package com.whatsappclone.gateway;

import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.metrics.ServiceMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Four fake backends and one gateway in front of them, started once per test JVM and shared by the
 * test classes (each test isolates itself with fresh user ids and {@code x-test-id} values). Tests
 * that need other limits or a backend of their own start an extra gateway with {@link #startGateway}.
 */
final class TestStack {

  static final String JWT_SECRET = "gateway-tests-secret-0123456789-abcdefghijklmnop";

  private static TestStack shared;

  final Observations observations = new Observations();
  final FakeBackend auth = FakeBackend.start("fake-auth", observations, new FakeServices.Auth());
  final FakeBackend chat = FakeBackend.start("fake-chat", observations, new FakeServices.Chat());
  final FakeBackend realtime = FakeBackend.start("fake-realtime", observations, new FakeServices.Realtime());
  final FakeBackend status = FakeBackend.start("fake-status", observations, new FakeServices.Status(),
      FakeServices.Ticker.definition());
  final TokenManager tokens = new TokenManager(JWT_SECRET);
  final GrpcServer gateway;
  final ManagedChannel channel;

  private TestStack() {
    // Generous per-IP limits: every test client is 127.0.0.1, and only LimitsTest tests the limits.
    gateway = startGateway(Map.of("GATEWAY_IP_BURST", "100000", "GATEWAY_IP_RATE_PER_SECOND", "100000"),
        Clock.systemUTC());
    channel = channelTo(gateway);
  }

  static synchronized TestStack shared() {
    if (shared == null) {
      shared = new TestStack();
    }
    return shared;
  }

  /** The settings of a gateway in front of the shared backends, with {@code overrides} on top. */
  Map<String, String> gatewaySettings(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("API_GATEWAY_GRPC_PORT", "0");
    settings.put("API_GATEWAY_METRICS_PORT", "0");
    settings.put(GatewaySettings.GRPC_BIND_HOST, "127.0.0.1");
    settings.put("JWT_SECRET", JWT_SECRET);
    settings.put("AUTH_SERVICE_ADDR", auth.address());
    settings.put("CHAT_SERVICE_ADDR", chat.address());
    settings.put("REALTIME_SERVICE_ADDR", realtime.address());
    settings.put("STATUS_SERVICE_ADDR", status.address());
    settings.put("GATEWAY_HEALTH_CHECK_INTERVAL", "200ms");
    settings.put("GRPC_DRAIN_TIMEOUT", "1s");
    settings.putAll(overrides);
    return settings;
  }

  GrpcServer startGateway(Map<String, String> overrides, Clock clock) {
    return ApiGatewayApplication.start(Settings.of(gatewaySettings(overrides)), clock);
  }

  /** {@link #startGateway(Map, Clock)}, counting into {@code metrics}. */
  GrpcServer startGateway(Map<String, String> overrides, Clock clock, ServiceMetrics metrics) {
    return ApiGatewayApplication.start(Settings.of(gatewaySettings(overrides)), clock, metrics);
  }

  static ManagedChannel channelTo(GrpcServer gateway) {
    return NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
  }

  static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** A fresh user's {@code authorization} and {@code x-test-id} headers. */
  Metadata userHeaders(String testId) {
    return userHeaders(UUID.randomUUID().toString(), testId);
  }

  Metadata userHeaders(String userId, String testId) {
    Metadata headers = new Metadata();
    headers.put(io.grpc.Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + tokens.issueAccessToken(userId).token());
    headers.put(Observations.TEST_ID, testId);
    return headers;
  }

  static Metadata testHeaders(String testId) {
    Metadata headers = new Metadata();
    headers.put(Observations.TEST_ID, testId);
    return headers;
  }

  static String newTestId() {
    return UUID.randomUUID().toString();
  }
}
