package com.whatsappclone.auth;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.AuthServiceGrpc.AuthServiceBlockingStub;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The auth service started as production starts it ({@link AuthApplication#start}) in dev mode on
 * a loopback port, with a real Netty channel to it. One per test class (or two on one database,
 * to play two instances); tests isolate by fresh phone numbers and client addresses.
 */
final class AuthTestServer implements AutoCloseable {

  static final String JWT_SECRET = "auth-test-secret-0123456789-0123456789";
  static final Metadata.Key<String> X_FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

  final TestDatabase db;
  final GrpcServer server;
  private final ManagedChannel channel;

  private AuthTestServer(TestDatabase db, GrpcServer server) {
    this.db = db;
    this.server = server;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  /** On a fresh database, in dev mode, with {@code extra} settings on top. */
  static AuthTestServer start(MutableClock clock, Map<String, String> extra) {
    return startOn(PostgresExtension.newDatabase(), clock, extra);
  }

  /** On {@code db}, which another instance may be using too. */
  static AuthTestServer startOn(TestDatabase db, MutableClock clock, Map<String, String> extra) {
    return startOn(db, clock, extra, ServiceMetrics.create("auth"));
  }

  /** {@link #startOn(TestDatabase, MutableClock, Map)}, counting into {@code metrics}. */
  static AuthTestServer startOn(TestDatabase db, MutableClock clock, Map<String, String> extra,
      ServiceMetrics metrics) {
    Map<String, String> settings = new HashMap<>(settingsFor(db));
    settings.putAll(extra);
    return new AuthTestServer(db, AuthApplication.start(Settings.of(settings), clock, metrics));
  }

  /** What a deployment would set, pointed at the test database. */
  static Map<String, String> settingsFor(TestDatabase db) {
    return Map.of(
        "DATABASE_URL", db.jdbcUrlWithCredentials(),
        "JWT_SECRET", JWT_SECRET,
        "AUTH_DEV_MODE", "true",
        "AUTH_SERVICE_GRPC_PORT", "0",
        "AUTH_SERVICE_METRICS_PORT", "0",
        AuthApplication.GRPC_BIND_HOST, "127.0.0.1",
        "GRPC_DRAIN_TIMEOUT", "1s",
        "DB_MAX_POOL_SIZE", "8");
  }

  /** A stub without credentials, as Postman calls the six public RPCs. */
  AuthServiceBlockingStub stub() {
    return AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** A stub sending {@code authorization: Bearer <accessToken>}. */
  AuthServiceBlockingStub as(String accessToken) {
    return withHeader(AuthInterceptor.AUTHORIZATION, "Bearer " + accessToken);
  }

  /** A stub calling as the gateway does for a client at {@code clientIp}: a signed address. */
  AuthServiceBlockingStub throughGateway(String clientIp) {
    Metadata headers = new Metadata();
    headers.put(ClientAddressSignature.REQUEST_ID, UUID.randomUUID().toString());
    ClientAddressSignature.fromJwtSecret(JWT_SECRET).attach(headers, clientIp);
    return with(headers);
  }

  /** A stub sending {@code x-forwarded-for}, as a client calling auth directly could. */
  AuthServiceBlockingStub forwardedFor(String chain) {
    return withHeader(X_FORWARDED_FOR, chain);
  }

  /** A stub sending exactly {@code headers}. */
  AuthServiceBlockingStub with(Metadata headers) {
    return stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private AuthServiceBlockingStub withHeader(Metadata.Key<String> key, String value) {
    Metadata headers = new Metadata();
    headers.put(key, value);
    return with(headers);
  }

  /** SendOTP then VerifyOTP with the dev-mode code. */
  VerifyOTPResponse login(String phone, String deviceId) {
    stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    return stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode(DevModeOtpVerifier.CODE).setDeviceId(deviceId).build());
  }

  /** VerifyOTP only (dev mode needs no SendOTP), so that login-heavy tests stay clear of SendOTP limits. */
  VerifyOTPResponse verify(String phone, String deviceId) {
    return stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode(DevModeOtpVerifier.CODE).setDeviceId(deviceId).build());
  }

  Connection connect() throws SQLException {
    return db.connect();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop();
  }
}
