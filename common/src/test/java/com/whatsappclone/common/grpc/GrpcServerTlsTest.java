package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.testing.TestTls;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A common GrpcServer with TLS_CERT_FILE / TLS_KEY_FILE serves TLS 1.2+ only, and nothing else. */
class GrpcServerTlsTest {

  private final AtomicReference<SSLSession> lastSession = new AtomicReference<>();
  private GrpcServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
  }

  private GrpcServer start(String cert, String key) {
    Settings settings = Settings.of(Map.of("TLS_CERT_FILE", TestTls.file(cert).toString(),
        "TLS_KEY_FILE", TestTls.file(key).toString()));
    TlsSettings tls = TlsSettings.from(settings);
    settings.check();
    server = GrpcServer.builder("tls-test", 0)
        .host("127.0.0.1")
        .tls(tls)
        .intercept(new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
              ServerCallHandler<Q, R> next) {
            lastSession.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            return next.startCall(call, headers);
          }
        })
        .addService(new GrpcServerTest.FailingChatService())
        .start();
    return server;
  }

  private static ManagedChannel trusting(String ca, String host, int port, String... protocols) throws Exception {
    var context = GrpcSslContexts.forClient().trustManager(new File(TestTls.file(ca).toString()));
    if (protocols.length > 0) {
      context.protocols(protocols);
    }
    return NettyChannelBuilder.forAddress(host, port).sslContext(context.build()).build();
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  @Test
  void clientTrustingTheCaGetsAnswersOverTls13() throws Exception {
    start(TestTls.SERVER_CERT, TestTls.SERVER_KEY);
    channel = trusting(TestTls.CA, "localhost", server.port());

    assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
    ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getConversations(GetConversationsRequest.getDefaultInstance());
    assertThat(lastSession.get()).as("the call came over TLS").isNotNull();
    assertThat(lastSession.get().getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void tls12ClientIsServedToo() throws Exception {
    start(TestTls.SERVER_CERT, TestTls.SERVER_KEY);
    channel = trusting(TestTls.CA, "127.0.0.1", server.port(), "TLSv1.2");

    ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getConversations(GetConversationsRequest.getDefaultInstance());
    assertThat(lastSession.get().getProtocol()).isEqualTo("TLSv1.2");
  }

  @Test
  void ecCertificateWithSec1KeyAndRsaPkcs1KeyServeToo() throws Exception {
    start(TestTls.EC_SERVER_CERT, TestTls.EC_SERVER_KEY);
    channel = trusting(TestTls.CA, "localhost", server.port());
    assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
    stop();

    start(TestTls.SERVER_CERT, TestTls.SERVER_KEY_PKCS1);
    channel = trusting(TestTls.CA, "localhost", server.port());
    assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void plaintextClientGetsNoAnswer() {
    start(TestTls.SERVER_CERT, TestTls.SERVER_KEY);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();

    assertThatThrownBy(() -> health(channel)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void clientTrustingAnotherCaRefusesTheServer() throws Exception {
    start(TestTls.SERVER_CERT, TestTls.SERVER_KEY);
    channel = trusting(TestTls.OTHER_CA, "localhost", server.port());

    assertThatThrownBy(() -> health(channel)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void healthProbeTrustsTheServersOwnCertificateWhateverAddressItDials() throws Exception {
    start(TestTls.SERVER_CERT, TestTls.SERVER_KEY);
    Settings settings = Settings.of(TestTls.serverSettings());
    TlsSettings tls = TlsSettings.from(settings);
    settings.check();

    for (String target : new String[] {"localhost:" + server.port(), "127.0.0.1:" + server.port()}) {
      ManagedChannel probe = HealthProbe.channelToOwnServer(target, tls);
      try {
        assertThat(health(probe)).as(target).isEqualTo(ServingStatus.SERVING);
      } finally {
        probe.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
