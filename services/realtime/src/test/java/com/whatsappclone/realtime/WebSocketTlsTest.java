package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.TestTls;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket endpoint with TLS_CERT_FILE / TLS_KEY_FILE: wss for clients that trust the CA,
 * the same handshake rules and encodings as plaintext, the same back-pressure, and nothing for
 * plaintext clients. The gRPC server of the same service serves TLS too.
 */
@WithPostgres
@WithKafka
class WebSocketTlsTest {

  private static final String CONTENT = "x".repeat(16 * 1024);
  private static RealtimeTestServer server;
  private static SSLContext trustingCa;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> settings = new HashMap<>(TestTls.serverSettings());
    // Small buffers, so that a client that stops reading backs events up into the session's queue.
    settings.put("REALTIME_OUTBOUND_QUEUE_LIMIT", "16");
    settings.put("REALTIME_WS_SEND_BUFFER", "8192");
    server = RealtimeTestServer.start(settings);
    trustingCa = clientContext(TestTls.CA);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static SSLContext clientContext(String caFixture) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(TestTls.file(caFixture))) {
      store.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static URI wssUri() {
    return URI.create("wss://localhost:" + server.servers.webSocketPort() + "/ws");
  }

  /** A Java-WebSocket client over wss, trusting {@code context}; not yet connected. */
  private static WsClient wss(URI uri, Map<String, String> headers, SSLContext context) {
    WsClient client = new WsClient(uri, headers);
    client.setSocketFactory(context.getSocketFactory());
    return client;
  }

  private static WsClient connected(WsClient client) throws InterruptedException {
    assertThat(client.connectBlocking(WsClient.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("wss handshake").isTrue();
    return client;
  }

  private static Map<String, String> bearer(UUID user) {
    return Map.of("Authorization", "Bearer " + server.token(user));
  }

  @Test
  void wssHandshakeWithTokenThenJsonPingGetsPong() throws Exception {
    WsClient client = connected(wss(wssUri(), bearer(server.fixtures.newUser()), trustingCa));
    try {
      assertThat(client.getSSLSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      client.sendJson("{\"ping\":{\"timestamp\":\"42\"}}");
      assertThat(client.nextText()).isEqualTo("{\"pong\":{\"timestamp\":\"42\"}}");
    } finally {
      client.close();
    }
  }

  @Test
  void wssBinaryPingGetsBinaryPongAndQueryTokenWorksToo() throws Exception {
    UUID user = server.fixtures.newUser();
    URI uri = URI.create(wssUri() + "?access_token=" + URLEncoder.encode(server.token(user), StandardCharsets.UTF_8));
    WsClient client = connected(wss(uri, Map.of(), trustingCa));
    try {
      client.sendBinary(WsClient.ping(99));
      assertThat(client.next().getPong().getTimestamp()).isEqualTo(99);
      client.sendJson("{\"ping\":{\"timestamp\":\"100\"}}");
      assertThat(client.nextText()).isEqualTo("{\"pong\":{\"timestamp\":\"100\"}}");
    } finally {
      client.close();
    }
  }

  @Test
  void wssHandshakeWithoutTokenIsStillRefusedWith401() throws IOException {
    try (SSLSocket socket = (SSLSocket) trustingCa.getSocketFactory().createSocket("localhost",
        server.servers.webSocketPort())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(all);
      } catch (javax.net.ssl.SSLException e) {
        // the server closes the socket right after its answer, sometimes without close_notify
      }
      assertThat(all.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 401 Unauthorized")
          .contains("missing access token");
    }
  }

  @Test
  void plaintextClientAndClientTrustingAnotherCaCannotConnect() throws Exception {
    UUID user = server.fixtures.newUser();
    WsClient plaintext = new WsClient(URI.create("ws://localhost:" + server.servers.webSocketPort() + "/ws"), bearer(user));
    WsClient untrusting = wss(wssUri(), bearer(user), clientContext(TestTls.OTHER_CA));

    assertThat(plaintext.connectBlocking(WsClient.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isFalse();
    assertThat(untrusting.connectBlocking(WsClient.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isFalse();
  }

  /**
   * A client that stops reading for a while backs events up into its session's queue; once it
   * reads again, the flush notifications of the TLS channel move every one of them along (without
   * them the queued events would wait for the next event to arrive).
   */
  @Test
  void eventsQueuedWhileTheClientWasNotReadingAllArriveOverTls() throws Exception {
    UUID alice = server.fixtures.newUser();
    UUID bob = server.fixtures.newUser();
    UUID chat = server.fixtures.conversation(alice, bob);
    WsClient client = wss(wssUri(), bearer(bob), trustingCa);
    client.setReceiveBufferSize(8192);
    connected(client);
    try {
      client.eventsUntilPong();
      CountDownLatch gate = new CountDownLatch(1);
      client.stopReadingUntil(gate);

      List<String> published = new ArrayList<>();
      long before = server.storedEventsHandled();
      for (int i = 0; i < 12; i++) {
        MessageStored stored = server.fixtures.storeMessage(chat, alice, CONTENT, bob);
        server.publish(stored);
        published.add(stored.getMessageId());
      }
      server.awaitStoredEventsHandled(before + published.size());
      gate.countDown();

      List<String> received = new ArrayList<>();
      for (int i = 0; i < published.size(); i++) {
        received.add(client.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId());
      }
      assertThat(received).isEqualTo(published);
      assertThat(client.isClosedYet()).as("no overflow: the queue never reached its limit").isFalse();
    } finally {
      client.close();
    }
  }

  @Test
  void grpcConnectStreamOfTheSameServiceIsTlsToo() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.servers.grpcPort())
        .sslContext(GrpcSslContexts.forClient().trustManager(new File(TestTls.file(TestTls.CA).toString())).build())
        .build();
    try {
      StreamClient stream = StreamClient.connect(server.withToken(channel, server.fixtures.newUser()));
      List<ServerEvent> beforePong = stream.eventsUntilPong();
      assertThat(beforePong).allMatch(e -> e.getEventCase() == EventCase.PRESENCE);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void keyWithoutCertificateStopsTheServiceAtStartUpNamingTheSetting() {
    Settings settings = Settings.of(Map.of("TLS_KEY_FILE", TestTls.file(TestTls.SERVER_KEY).toString()));

    assertThatThrownBy(() -> RealtimeApplication.startServers(settings, Clock.systemUTC()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("TLS_CERT_FILE is not set but TLS_KEY_FILE is");
  }
}
