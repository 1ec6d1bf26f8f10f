package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A revoked session cannot connect, and its open WebSocket and Connect streams are closed within
 * seconds; renewing credentials with a revoked session's token is refused. Revocations are written
 * into user_devices as auth writes them; the service learns them from its poller.
 * ({@link StreamExpiryTest} moves a clock, so it has a server of its own.)
 */
@WithPostgres
@WithKafka
class SessionCredentialsTest {

  private static RealtimeTestServer server;
  private static Fixtures fixtures;

  @BeforeAll
  static void start() {
    server = RealtimeTestServer.start(Map.of("SESSION_REVOCATION_POLL_INTERVAL", "200ms"));
    fixtures = server.fixtures;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void revokedDeviceCannotOpenWebSocket() throws Exception {
    UUID user = fixtures.newUser();
    UUID session = fixtures.session(user);
    String token = server.token(user, session);
    assertThat(statusLine(rawHandshake(token))).startsWith("HTTP/1.1 101 ");

    fixtures.revokeSession(session);

    String refused = Eventually.await("the handshake to be refused", () -> rawHandshake(token),
        response -> !response.startsWith("HTTP/1.1 101"));
    assertThat(statusLine(refused)).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(refused).contains("unauthenticated: session has been revoked");
    // The user's other device is not affected.
    try (WsClientCloser other = new WsClientCloser(server.ws(server.token(user, fixtures.session(user))))) {
      assertThat(other.client.eventsUntilPong()).isEmpty();
    }
  }

  @Test
  void openWebSocketOfRevokedSessionIsClosed() {
    UUID user = fixtures.newUser();
    UUID revoked = fixtures.session(user);
    UUID kept = fixtures.session(user);
    WsClient doomed = server.ws(server.token(user, revoked));
    try (WsClientCloser other = new WsClientCloser(server.ws(server.token(user, kept)))) {
      assertThat(doomed.eventsUntilPong()).isEmpty();

      fixtures.revokeSession(revoked);

      WsClient.Closed closed = doomed.awaitClose();
      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).isEqualTo("session revoked");
      assertThat(closed.remote()).isTrue();
      assertThat(other.client.eventsUntilPong()).as("the other session's connection stays").isEmpty();
    }
  }

  @Test
  void openConnectStreamOfRevokedSessionEnds() {
    UUID user = fixtures.newUser();
    UUID session = fixtures.session(user);
    String token = server.token(user, session);
    StreamClient stream = server.grpc(token);
    assertThat(stream.eventsUntilPong()).isEmpty();

    fixtures.revokeSession(session);

    Status ended = stream.awaitEnd();
    assertThat(ended.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(ended.getDescription()).isEqualTo("session revoked");
    Status again = server.grpc(token).awaitEnd();
    assertThat(again.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(again.getDescription()).isEqualTo("session has been revoked");
  }

  @Test
  void legacyStreamsWithoutSidAreClosedAfterLogoutAll() throws Exception {
    UUID user = fixtures.newUser();
    fixtures.session(user);
    String legacy = server.token(user); // no sid: the Go original's shape
    WsClient ws = server.ws(legacy);
    StreamClient stream = server.grpc(legacy);
    assertThat(ws.eventsUntilPong()).isEmpty();
    assertThat(stream.eventsUntilPong()).isEmpty();

    fixtures.revokeAllSessions(user);

    assertThat(ws.awaitClose().code()).isEqualTo(4001);
    assertThat(stream.awaitEnd().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(statusLine(rawHandshake(legacy))).isEqualTo("HTTP/1.1 401 Unauthorized");
  }

  @Test
  void renewingWithATokenOfARevokedSessionIsRefused() throws Exception {
    UUID user = fixtures.newUser();
    UUID current = fixtures.session(user);
    UUID revoked = fixtures.session(user);
    String revokedToken = server.token(user, revoked);
    fixtures.revokeSession(revoked);
    Eventually.await("the revocation to be known", () -> rawHandshake(revokedToken),
        response -> response.startsWith("HTTP/1.1 401"));
    try (WsClientCloser ws = new WsClientCloser(server.ws(server.token(user, current)))) {
      ws.client.sendJson("{\"authenticate\":{\"accessToken\":\"" + revokedToken + "\"}}");

      assertUnauthenticatedError(ws.client.next(EventCase.ERROR), "session has been revoked");
      assertThat(ws.client.eventsUntilPong()).as("the connection stays").isEmpty();
    }
  }

  static void assertUnauthenticatedError(ServerEvent event, String saying) {
    assertThat(event.getError().getCode()).isEqualTo("UNAUTHENTICATED");
    assertThat(event.getError().getMessage()).contains(saying).doesNotContain("Exception");
  }

  /** Closes a client at the end of a try block. */
  private record WsClientCloser(WsClient client) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  // ---- raw HTTP, to see the real status line of an upgrade ----

  private static String rawHandshake(String token) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(15_000);
      String request = "GET /ws HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + token + "\r\n"
          + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      // A refusal is answered and closed; an upgrade stays open, so read only its head.
      while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        int b = in.read();
        if (b == -1) {
          break;
        }
        head.write(b);
      }
      if (head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 401")) {
        in.transferTo(head);
      }
      return head.toString(StandardCharsets.UTF_8);
    }
  }

  private static String statusLine(String response) {
    int end = response.indexOf("\r\n");
    return end < 0 ? response : response.substring(0, end);
  }
}
