package com.whatsappclone.status;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.status.StatusServiceGrpc;
import com.whatsappclone.proto.status.StatusServiceGrpc.StatusServiceBlockingStub;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The status service started the way production starts it ({@link StatusApplication#start}) on a
 * fresh database, a loopback port and a test clock, with a real Netty channel to it. One per test
 * class; tests isolate by creating fresh users.
 */
final class StatusTestServer implements AutoCloseable {

  static final String JWT_SECRET = "status-test-secret-0123456789-0123456789";

  final TestDatabase db;
  final Fixtures fixtures;
  final GrpcServer server;
  private final ManagedChannel channel;
  private final TokenManager tokens;

  private StatusTestServer(TestDatabase db, GrpcServer server, Clock clock) {
    this.db = db;
    this.fixtures = new Fixtures(db);
    this.server = server;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    this.tokens = new TokenManager(JWT_SECRET, Duration.ofMinutes(15), Duration.ofDays(7), clock);
  }

  static StatusTestServer start(Clock clock) {
    return start(clock, Map.of());
  }

  static StatusTestServer start(Clock clock, Map<String, String> extraSettings) {
    return start(clock, extraSettings, ServiceMetrics.create("status"));
  }

  /** Counting into {@code metrics}, which the test reads back. */
  static StatusTestServer start(Clock clock, Map<String, String> extraSettings, ServiceMetrics metrics) {
    TestDatabase db = PostgresExtension.newDatabase();
    Map<String, String> settings = new HashMap<>(settingsFor(db));
    settings.putAll(extraSettings);
    return new StatusTestServer(db, StatusApplication.start(Settings.of(settings), clock, metrics), clock);
  }

  /** What a deployment would set, pointed at the test database; the cleanup job stays idle. */
  static Map<String, String> settingsFor(TestDatabase db) {
    return Map.of(
        "DATABASE_URL", db.jdbcUrlWithCredentials(),
        "JWT_SECRET", JWT_SECRET,
        "STATUS_SERVICE_GRPC_PORT", "0",
        "STATUS_SERVICE_METRICS_PORT", "0",
        StatusApplication.GRPC_BIND_HOST, "127.0.0.1",
        "GRPC_DRAIN_TIMEOUT", "1s",
        "DB_MAX_POOL_SIZE", "4",
        "STATUS_CLEANUP_INTERVAL", "1d");
  }

  /** A stub that calls as {@code user}, with an access token issued at the time of each call. */
  StatusServiceBlockingStub as(UUID user) {
    return StatusServiceGrpc.newBlockingStub(channel)
        .withInterceptors(new BearerTokenInterceptor(tokens, user.toString()))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** A stub that sends no token at all. */
  StatusServiceBlockingStub anonymous() {
    return StatusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing the test channel", e);
    } finally {
      server.stop();
    }
  }

  /** Issues the token when the call starts, so a test that moves the clock still has a valid one. */
  private static final class BearerTokenInterceptor implements ClientInterceptor {
    private final TokenManager tokens;
    private final String userId;

    BearerTokenInterceptor(TokenManager tokens, String userId) {
      this.tokens = tokens;
      this.userId = userId;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + tokens.issueAccessToken(userId).token());
          super.start(listener, headers);
        }
      };
    }
  }
}
