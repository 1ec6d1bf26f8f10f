package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket door itself: handshake, encodings, bad frames, size limit, dead connections. */
@WithPostgres
@WithKafka
class WebSocketEndpointTest {

  private static RealtimeTestServer server;

  @BeforeAll
  static void start() {
    // Pings every second, so that a connection which never answers is closed within seconds.
    server = RealtimeTestServer.start(Map.of("REALTIME_WS_PING_INTERVAL", "1s"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void handshakeWithoutTokenIsRefusedWith401() throws IOException {
    String response = rawHandshake("/ws", null);
    assertThat(statusLine(response)).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(response).contains("WWW-Authenticate: Bearer").contains("missing access token");
  }

  @Test
  void handshakeWithBadTokensIsRefusedWith401() throws IOException {
    UUID user = server.fixtures.newUser();
    TokenManager otherSecret = new TokenManager("another-secret-0123456789-0123456789-xx",
        Duration.ofMinutes(15), Duration.ofDays(7), Clock.systemUTC());
    TokenManager past = new TokenManager(RealtimeTestServer.JWT_SECRET, Duration.ofMinutes(15),
        Duration.ofDays(7), Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC));

    assertThat(statusLine(rawHandshake("/ws", "Bearer not-a-jwt"))).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(statusLine(rawHandshake("/ws", "Bearer " + otherSecret.issueAccessToken(user.toString()).token())))
        .isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(statusLine(rawHandshake("/ws", "Bearer " + past.issueAccessToken(user.toString()).token())))
        .isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(statusLine(rawHandshake("/ws", "Bearer " + server.tokens.issueRefreshToken(user.toString()).token())))
        .as("a refresh token is not an access token").isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(statusLine(rawHandshake("/ws", "Basic " + server.token(user))))
        .as("another scheme").isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(statusLine(rawHandshake("/ws?access_token=garbage", null))).isEqualTo("HTTP/1.1 401 Unauthorized");
  }

  @Test
  void handshakeOnAnotherPathIsRefused() throws IOException {
    UUID user = server.fixtures.newUser();
    assertThat(statusLine(rawHandshake("/other", "Bearer " + server.token(user)))).startsWith("HTTP/1.1 404");
  }

  @Test
  void handshakeWithBearerHeaderIsAcceptedAndPingGetsPongInJson() {
    WsClient client = server.ws(server.fixtures.newUser());
    client.sendJson("{\"ping\":{\"timestamp\":\"42\"}}");
    assertThat(client.nextText()).isEqualTo("{\"pong\":{\"timestamp\":\"42\"}}");
    client.close();
  }

  @Test
  void handshakeWithAccessTokenQueryParameterIsAccepted() {
    UUID user = server.fixtures.newUser();
    URI uri = URI.create(server.wsUri() + "?access_token="
        + URLEncoder.encode(server.token(user), StandardCharsets.UTF_8));
    WsClient client = WsClient.open(uri, Map.of());
    client.sendJson("{\"ping\":{\"timestamp\":\"7\"}}");
    assertThat(client.next().getPong().getTimestamp()).isEqualTo(7);
    client.close();
  }

  @Test
  void binaryPingGetsBinaryPongAndTextSwitchesBackToJson() {
    WsClient client = server.ws(server.fixtures.newUser());
    client.sendBinary(WsClient.ping(99));
    ServerEvent pong = client.next();
    assertThat(pong.getPong().getTimestamp()).isEqualTo(99);

    client.sendJson("{\"ping\":{\"timestamp\":\"100\"}}");
    assertThat(client.nextText()).as("only the JSON answer is a text frame")
        .isEqualTo("{\"pong\":{\"timestamp\":\"100\"}}");
    client.close();
  }

  @Test
  void anErrorEventCarriesItsReasonInTheJson() {
    WsClient client = server.ws(server.fixtures.newUser());

    client.sendJson("{\"typing\":{\"conversationId\":\"nope\",\"isTyping\":true}}");

    assertThat(client.nextText()).isEqualTo("{\"error\":{\"code\":\"INVALID_ARGUMENT\","
        + "\"message\":\"typing.conversation_id: must be a UUID\",\"reason\":\"INVALID_ID\"}}");
    client.close();
  }

  @Test
  void badJsonGetsAnErrorEventAndTheConnectionStays() {
    WsClient client = server.ws(server.fixtures.newUser());

    client.sendJson("{this is not json");
    ServerEvent error = client.next();
    assertThat(error.getError().getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(error.getError().getMessage()).contains("ClientEvent");

    client.sendJson("{\"somethingElse\":{}}");
    assertThat(client.next().getError().getMessage()).contains("event");

    client.send(new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(client.next().getError().getCode()).isEqualTo("INVALID_ARGUMENT");

    client.sendJson("{\"ping\":{\"timestamp\":\"5\"}}");
    assertThat(client.next().getPong().getTimestamp()).isEqualTo(5);
    assertThat(client.isOpen()).isTrue();
    client.close();
  }

  @Test
  void frameOver64KiBClosesTheConnectionWith1009() {
    WsClient client = server.ws(server.fixtures.newUser());
    String big = "{\"typing\":{\"conversationId\":\"" + "x".repeat(RealtimeSettings.MAX_FRAME_BYTES) + "\"}}";
    client.sendJson(big);
    WsClient.Closed closed = client.awaitClose();
    assertThat(closed.code()).isEqualTo(CloseFrame.TOOBIG);
  }

  @Test
  void frameOfExactly64KiBIsStillAccepted() {
    WsClient client = server.ws(server.fixtures.newUser());
    String prefix = "{\"ping\":{\"timestamp\":\"3\"}, \"pad\":\"";
    String suffix = "\"}";
    client.sendJson(prefix + "x".repeat(RealtimeSettings.MAX_FRAME_BYTES - prefix.length() - suffix.length()) + suffix);
    assertThat(client.next().getPong().getTimestamp()).as("unknown fields are ignored").isEqualTo(3);
    client.close();
  }

  @Test
  void connectionThatNeverAnswersPingsIsClosedByTheServer() throws IOException {
    UUID user = server.fixtures.newUser();
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout((int) Duration.ofSeconds(15).toMillis());
      writeHandshake(socket.getOutputStream(), "/ws", "Bearer " + server.token(user));
      InputStream in = socket.getInputStream();
      assertThat(statusLine(readHead(in))).isEqualTo("HTTP/1.1 101 Web Socket Protocol Handshake");
      // Read frames without ever answering: the server's pings (opcode 9) come, then it gives up.
      int pings = 0;
      while (true) {
        int first = in.read();
        if (first == -1) {
          break;
        }
        int length = in.read() & 0x7f;
        if ((first & 0x0f) == 0x9) {
          pings++;
        }
        in.readNBytes(length);
      }
      assertThat(pings).as("pings before the server closed the connection").isGreaterThanOrEqualTo(1);
    }
  }

  // ---- raw HTTP, to see the real status line of a refused upgrade ----

  private static String rawHandshake(String path, String authorization) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(15_000);
      writeHandshake(socket.getOutputStream(), path, authorization);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all); // the server closes after a refusal
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  private static void writeHandshake(OutputStream out, String path, String authorization) throws IOException {
    out.write(RawHttp.upgradeRequest(path, authorization));
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    return RawHttp.readHead(in);
  }

  private static String statusLine(String response) {
    return RawHttp.statusLine(response);
  }
}
