package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.TestTls;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack as the README's TLS section runs it: only TLS_CERT_FILE and TLS_KEY_FILE set,
 * so every service serves TLS and the gateway calls them over TLS. A client trusting the CA signs
 * in through the gateway (the real auth service behind a TLS hop) and talks wss to realtime.
 */
@WithPostgres
@WithKafka
class LocalStackTlsTest {

  private static final String[][] SERVICES = {
      {"AUTH_SERVICE_GRPC_PORT", "AUTH_SERVICE_ADDR"}, {"CHAT_SERVICE_GRPC_PORT", "CHAT_SERVICE_ADDR"},
      {"REALTIME_SERVICE_GRPC_PORT", "REALTIME_SERVICE_ADDR"}, {"STATUS_SERVICE_GRPC_PORT", "STATUS_SERVICE_ADDR"},
      {"MESSAGE_WORKER_GRPC_PORT", null}, {"API_GATEWAY_GRPC_PORT", null}, {"REALTIME_SERVICE_WS_PORT", null}};

  private static LocalStackMain stack;
  private static Map<String, String> values;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startStack(TestDatabase db, TestKafka kafka, @TempDir Path data) throws Exception {
    values = new HashMap<>();
    values.put("DATABASE_URL", db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
        + "user=" + db.user() + (db.password() == null ? "" : "&password=" + db.password()));
    values.put("DB_MAX_POOL_SIZE", "4");
    values.put("KAFKA_BROKERS", kafka.bootstrapServers());
    values.put("KAFKA_TOPIC_PREFIX", UniqueNames.of("tls") + ".");
    values.put("KAFKA_TOPIC_PARTITIONS", "2");
    values.put("MESSAGE_WORKER_GROUP_ID", UniqueNames.of("tls-worker"));
    values.put("JWT_SECRET", RunningSystem.JWT_SECRET);
    values.put("AUTH_DEV_MODE", "true");
    values.put("GRPC_BIND_HOST", "127.0.0.1");
    values.put("GRPC_DRAIN_TIMEOUT", "1s");
    // The local stack wires the gateway by the fixed ports of the settings, so pick free ones.
    for (String[] service : SERVICES) {
      int port = freePort();
      values.put(service[0], Integer.toString(port));
      if (service[1] != null) {
        values.put(service[1], "localhost:" + port);
      }
    }
    for (String metrics : new String[] {"AUTH_SERVICE_METRICS_PORT", "CHAT_SERVICE_METRICS_PORT",
        "REALTIME_SERVICE_METRICS_PORT", "STATUS_SERVICE_METRICS_PORT", "MESSAGE_WORKER_METRICS_PORT",
        "API_GATEWAY_METRICS_PORT"}) {
      values.put(metrics, "0");
    }
    values.putAll(TestTls.serverSettings());
    stack = new LocalStackMain();
    stack.start(Settings.of(values), data);
    gateway = NettyChannelBuilder.forAddress("localhost", port("API_GATEWAY_GRPC_PORT"))
        .sslContext(GrpcSslContexts.forClient().trustManager(new File(TestTls.file(TestTls.CA).toString())).build())
        .build();
  }

  @AfterAll
  static void stopStack() throws InterruptedException {
    if (gateway != null) {
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (stack != null) {
      stack.stop();
    }
  }

  private static int port(String setting) {
    return Integer.parseInt(values.get(setting));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static VerifyOTPResponse signIn() {
    return GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "tls");
  }

  private static SSLContext trustingCa() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(TestTls.file(TestTls.CA))) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  @Test
  void signInThroughTheTlsGatewayReachesTheRealAuthServiceOverTls() {
    VerifyOTPResponse login = signIn();

    assertThat(login.getAccessToken()).isNotEmpty();
    assertThat(HealthGrpc.newBlockingStub(gateway).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .as("the gateway reaches every backend over TLS").isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void plaintextClientGetsNothingFromTheGateway() throws InterruptedException {
    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", port("API_GATEWAY_GRPC_PORT"))
        .usePlaintext().build();
    try {
      assertThatThrownBy(() -> HealthGrpc.newBlockingStub(plaintext).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void wssWithTheTokenAnswersAPingWithAPong() throws Exception {
    String token = signIn().getAccessToken();
    BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    WebSocket socket = HttpClient.newBuilder().sslContext(trustingCa()).build().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("wss://localhost:" + port("REALTIME_SERVICE_WS_PORT") + "/ws"), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              texts.add(text.toString());
              text.setLength(0);
            }
            webSocket.request(1);
            return null;
          }
        })
        .get(15, TimeUnit.SECONDS);
    try {
      socket.sendText("{\"ping\":{\"timestamp\":\"7\"}}", true).get(15, TimeUnit.SECONDS);
      String answer;
      do {
        answer = texts.poll(15, TimeUnit.SECONDS);
        assertThat(answer).as("an answer within 15 s").isNotNull();
      } while (!answer.contains("pong"));
      assertThat(answer).isEqualTo("{\"pong\":{\"timestamp\":\"7\"}}");
    } finally {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void certificateWithoutKeyStopsTheStackBeforeItStartsAnything(@TempDir Path data) {
    Map<String, String> broken = new HashMap<>(values);
    broken.remove("TLS_KEY_FILE");

    assertThatThrownBy(() -> new LocalStackMain().start(Settings.of(broken), data))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("TLS_KEY_FILE is not set but TLS_CERT_FILE is");
  }
}
