package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.TestTls;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS at the gateway: clients on the internet reach it over TLS (grpcs), and with INTERNAL_TLS its
 * calls to the backends (forwarded calls, health checks, reflection-based discovery) are TLS too.
 */
class TlsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestStack stack = TestStack.shared();

  /** Four backends serving TLS with the test certificate, as the real ones do with TLS_CERT_FILE. */
  private static final List<GrpcServer> tlsBackends = new ArrayList<>();
  private static final FakeServices.Ticker TLS_TICKER = new FakeServices.Ticker("tlstest");

  @BeforeAll
  static void startTlsBackends() {
    Settings settings = Settings.of(TestTls.serverSettings());
    TlsSettings tls = TlsSettings.from(settings);
    settings.check();
    Object[][] services = {
        {new FakeServices.Auth()}, {new FakeServices.Chat()}, {new FakeServices.Realtime()},
        {new FakeServices.Status(), TLS_TICKER.serviceDefinition()}};
    for (Object[] backend : services) {
      GrpcServer.Builder builder = GrpcServer.builder("tls-backend", 0).host("127.0.0.1").tls(tls)
          .drainTimeout(Duration.ofMillis(200));
      for (Object service : backend) {
        if (service instanceof io.grpc.BindableService bindable) {
          builder.addService(bindable);
        } else {
          builder.addService((io.grpc.ServerServiceDefinition) service);
        }
      }
      tlsBackends.add(builder.start());
    }
  }

  @AfterAll
  static void stopTlsBackends() {
    tlsBackends.forEach(GrpcServer::stop);
  }

  /** Gateway settings pointing at the TLS backends by the name in their certificate. */
  private Map<String, String> towardsTlsBackends(Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("AUTH_SERVICE_ADDR", "localhost:" + tlsBackends.get(0).port());
    overrides.put("CHAT_SERVICE_ADDR", "localhost:" + tlsBackends.get(1).port());
    overrides.put("REALTIME_SERVICE_ADDR", "localhost:" + tlsBackends.get(2).port());
    overrides.put("STATUS_SERVICE_ADDR", "localhost:" + tlsBackends.get(3).port());
    overrides.putAll(extra);
    return overrides;
  }

  private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
    Map<String, String> all = new HashMap<>(first);
    all.putAll(second);
    return all;
  }

  /** A client on the internet: TLS, trusting the CA that signed the gateway's certificate. */
  private static ManagedChannel tlsClient(GrpcServer gateway, String ca) throws Exception {
    return NettyChannelBuilder.forAddress("localhost", gateway.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(new File(TestTls.file(ca).toString())).build())
        .build();
  }

  private String sendMessage(ManagedChannel channel, String content) {
    return ChatServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId())))
        .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .sendMessage(SendMessageRequest.newBuilder().setConversationId("c1").setContent(content).build())
        .getMessage().getContent();
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private static Status.Code failure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void clientTrustingTheCaCallsTheGatewayOverTlsAndGetsTheBackendsAnswers() throws Exception {
    GrpcServer gateway = stack.startGateway(TestTls.serverSettings(), Clock.systemUTC());
    ManagedChannel channel = tlsClient(gateway, TestTls.CA);
    try {
      assertThat(AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .sendOTP(SendOTPRequest.newBuilder().setPhoneNumber("+905551234567").build()).getMessage())
          .isEqualTo("sent to +905551234567");
      assertThat(sendMessage(channel, "over tls")).isEqualTo("echo:over tls");

      StreamRecorder<ClientEvent, ServerEvent> stream = new StreamRecorder<>();
      RealtimeServiceGrpc.newStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId())))
          .connect(stream);
      stream.requests.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(42)).build());
      assertThat(stream.next(WAIT).getPong().getTimestamp()).isEqualTo(42);
      stream.requests.onCompleted();
      assertThat(stream.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);

      assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
      assertThat(ReflectionTest.listServices(channel)).contains("chat.ChatService", FakeServices.Ticker.SERVICE);
    } finally {
      TestStack.close(channel);
      gateway.stop();
    }
  }

  @Test
  void plaintextClientAndClientTrustingAnotherCaGetNothingFromTheTlsPort() throws Exception {
    GrpcServer gateway = stack.startGateway(TestTls.serverSettings(), Clock.systemUTC());
    ManagedChannel plaintext = TestStack.channelTo(gateway);
    ManagedChannel otherCa = tlsClient(gateway, TestTls.OTHER_CA);
    try {
      assertThat(failure(() -> sendMessage(plaintext, "hello"))).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(failure(() -> sendMessage(otherCa, "hello"))).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      TestStack.close(plaintext);
      TestStack.close(otherCa);
      gateway.stop();
    }
  }

  @Test
  void withInternalTlsTheGatewayForwardsChecksHealthAndDiscoversOverTls() throws Exception {
    GrpcServer gateway = stack.startGateway(towardsTlsBackends(
        merged(TestTls.serverSettings(), TestTls.internalClientSettings())), Clock.systemUTC());
    ManagedChannel channel = tlsClient(gateway, TestTls.CA);
    try {
      assertThat(health(channel)).as("every backend answered its health check over TLS")
          .isEqualTo(ServingStatus.SERVING);
      assertThat(sendMessage(channel, "tls all the way")).isEqualTo("echo:tls all the way");
      // Known to the gateway only through the backend's reflection, read over TLS.
      assertThat(ReflectionTest.listServices(channel)).contains(TLS_TICKER.service);
      List<String> ids = new ArrayList<>();
      ClientCalls.blockingServerStreamingCall(
          io.grpc.ClientInterceptors.intercept(channel,
              MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId()))),
          TLS_TICKER.count, CallOptions.DEFAULT.withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS),
          Ping.newBuilder().setTimestamp(3).build())
          .forEachRemaining((NewMessage m) -> ids.add(m.getMessageId()));
      assertThat(ids).containsExactly("0", "1", "2");
    } finally {
      TestStack.close(channel);
      gateway.stop();
    }
  }

  @Test
  void backendsWhoseCertificateIsNotTrustedOrThatSpeakTlsToAPlaintextGatewayAreDown() {
    Map<String, Map<String, String>> cases = Map.of(
        "trusting another CA", Map.of("INTERNAL_TLS", "true", "TLS_TRUST_FILE", TestTls.file(TestTls.OTHER_CA).toString()),
        "trusting the JVM's default CAs", Map.of("INTERNAL_TLS", "true"),
        "without INTERNAL_TLS", Map.of());
    cases.forEach((name, settings) -> {
      GrpcServer gateway = stack.startGateway(towardsTlsBackends(settings), Clock.systemUTC());
      ManagedChannel channel = TestStack.channelTo(gateway);
      try {
        assertThat(health(channel)).as(name).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(failure(() -> sendMessage(channel, "hello"))).as(name).isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        try {
          TestStack.close(channel);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        gateway.stop();
      }
    });
  }

  @Test
  void certificateWithoutKeyStopsTheGatewayAtStartUpNamingTheSetting() {
    Map<String, String> settings = stack.gatewaySettings(Map.of(
        "TLS_CERT_FILE", TestTls.file(TestTls.SERVER_CERT).toString()));

    assertThatThrownBy(() -> ApiGatewayApplication.start(Settings.of(settings), Clock.systemUTC()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("TLS_KEY_FILE is not set but TLS_CERT_FILE is");
  }

  @Test
  void unreadableTrustFileStopsTheGatewayAtStartUp() {
    Map<String, String> settings = stack.gatewaySettings(Map.of(
        "INTERNAL_TLS", "true", "TLS_TRUST_FILE", TestTls.file(TestTls.SERVER_KEY).toString()));

    assertThatThrownBy(() -> ApiGatewayApplication.start(Settings.of(settings), Clock.systemUTC()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("TLS_TRUST_FILE: ").hasMessageContaining("holds no PEM certificate");
  }
}
