package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-user caps over both doors, per-address caps on the WebSocket door. */
@WithPostgres
@WithKafka
class ConnectionCapsTest {

  private static final int PER_USER = 3;
  private static final int PER_ADDRESS = 8;
  private static RealtimeTestServer server;

  @BeforeAll
  static void start() {
    server = RealtimeTestServer.start(Map.of(
        "MAX_CONNECTIONS_PER_USER", String.valueOf(PER_USER),
        "MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(PER_ADDRESS)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeHeldSockets() {
    held.forEach(ConnectionCapsTest::closeQuietly);
    held.clear();
  }

  @Test
  void handshakeBeyondTheUsersCapIsRefusedWith429UntilAConnectionCloses() throws Exception {
    UUID user = server.fixtures.newUser();
    List<WsClient> open = new ArrayList<>();
    for (int i = 0; i < PER_USER; i++) {
      open.add(server.ws(user));
    }

    String refused = rawHandshake(server.token(user));
    assertThat(refused).startsWith("HTTP/1.1 429 Too Many Requests").contains("too many connections for this user");

    open.remove(0).closeBlocking();
    WsClient again = Eventually.await("a freed place", () -> tryOpen(user), client -> client != null);
    again.sendBinary(WsClient.ping(1));
    assertThat(again.next().getPong().getTimestamp()).isEqualTo(1);
    again.close();
    open.forEach(WsClient::close);
  }

  @Test
  void connectStreamsAndWebSocketsShareTheUsersCap() {
    UUID user = server.fixtures.newUser();
    List<StreamClient> streams = new ArrayList<>();
    for (int i = 0; i < PER_USER - 1; i++) {
      StreamClient stream = server.grpc(user);
      stream.eventsUntilPong(); // the stream is really open
      streams.add(stream);
    }
    WsClient webSocket = server.ws(user);

    StreamClient refused = server.grpc(user);
    Status status = refused.awaitEnd();
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("too many connections for this user");

    webSocket.close();
    streams.forEach(StreamClient::close);
  }

  @Test
  void aBurstOfHandshakesForOneUserGetsOnlyTheCap() throws Exception {
    UUID user = server.fixtures.newUser();
    String token = server.token(user);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(pool.submit((Callable<String>) () -> statusLineOfHeldHandshake(token)));
      }
      int upgraded = 0;
      int refused = 0;
      for (Future<String> answer : answers) {
        String status = answer.get();
        if (status.startsWith("HTTP/1.1 101")) {
          upgraded++;
        } else if (status.startsWith("HTTP/1.1 429")) {
          refused++;
        }
      }
      assertThat(upgraded).isEqualTo(PER_USER);
      assertThat(refused).isEqualTo(40 - PER_USER);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void connectionsFromOneAddressAreCappedAcrossUsers() throws Exception {
    // Every test connects from 127.0.0.1, each user below the per-user cap.
    String refusal = null;
    for (int i = 0; i < PER_ADDRESS + 1 && refusal == null; i++) {
      UUID user = server.fixtures.newUser();
      String answer = statusLineOfHeldHandshake(server.token(user));
      if (answer.startsWith("HTTP/1.1 429")) {
        refusal = answer;
      }
    }
    assertThat(refusal).as("a handshake beyond %s from one address", PER_ADDRESS).isNotNull();
    String user = server.token(server.fixtures.newUser());
    assertThat(rawHandshake(user)).contains("too many connections from this network address");
  }

  @Test
  void connectStreamsCountAgainstTheAddressTheGatewaySignedAndForgedAddressesAreIgnored() {
    ClientAddressSignature gateway = ClientAddressSignature.fromJwtSecret(RealtimeTestServer.JWT_SECRET);
    List<StreamClient> streams = new ArrayList<>();
    for (int i = 0; i < PER_ADDRESS; i++) {
      StreamClient stream = StreamClient.connect(server.withToken(
          ClientInterceptors.intercept(server.anonymousChannel(), clientAddress(gateway, "10.9.8.7", true)),
          server.fixtures.newUser()));
      stream.eventsUntilPong();
      streams.add(stream);
    }

    StreamClient refused = StreamClient.connect(server.withToken(
        ClientInterceptors.intercept(server.anonymousChannel(), clientAddress(gateway, "10.9.8.7", true)),
        server.fixtures.newUser()));
    Status status = refused.awaitEnd();
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("too many connections from this network address");

    // The same address, unsigned: not believed, so the stream counts for 127.0.0.1 and opens.
    StreamClient forged = StreamClient.connect(server.withToken(
        ClientInterceptors.intercept(server.anonymousChannel(), clientAddress(gateway, "10.9.8.7", false)),
        server.fixtures.newUser()));
    assertThat(forged.eventsUntilPong()).isNotNull();
    forged.close();
    streams.forEach(StreamClient::close);
  }

  /** Sends x-client-address as the gateway does, with its signature or with a made-up one. */
  private static ClientInterceptor clientAddress(ClientAddressSignature gateway, String address, boolean signed) {
    return new ClientInterceptor() {
      @Override
      public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
          CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<RespT> listener, Metadata headers) {
            headers.put(ClientAddressSignature.REQUEST_ID, UUID.randomUUID().toString());
            gateway.attach(headers, address);
            if (!signed) {
              headers.discardAll(ClientAddressSignature.SIGNATURE);
              headers.put(ClientAddressSignature.SIGNATURE, "bm90LWEtc2lnbmF0dXJl");
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }

  // ---- raw handshakes, to read the status line of a refusal ----

  private static final List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A connected client, or null when the handshake was refused. */
  private static WsClient tryOpen(UUID user) throws InterruptedException {
    WsClient client = new WsClient(server.wsUri(), Map.of("Authorization", "Bearer " + server.token(user)));
    return client.connectBlocking(10, java.util.concurrent.TimeUnit.SECONDS) ? client : null;
  }

  /** A refused handshake: the whole answer (the server closes after it). */
  private static String rawHandshake(String token) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(RawHttp.upgradeRequest("/ws", "Bearer " + token));
      String head = RawHttp.readHead(socket.getInputStream());
      if (head.startsWith("HTTP/1.1 101")) {
        return head; // closed at once by try-with-resources: the place is given back
      }
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(rest);
      return head + rest.toString(StandardCharsets.UTF_8);
    }
  }

  /** The status line; an upgraded socket is kept open (in {@link #held}) so that it counts. */
  private static String statusLineOfHeldHandshake(String token) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort());
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(RawHttp.upgradeRequest("/ws", "Bearer " + token));
    String head = RawHttp.readHead(socket.getInputStream());
    if (head.startsWith("HTTP/1.1 101")) {
      held.add(socket);
    } else {
      socket.close();
    }
    int end = head.indexOf("\r\n");
    return end < 0 ? head : head.substring(0, end);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
