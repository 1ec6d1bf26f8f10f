package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One address opening and closing WebSockets in a loop is refused before its tokens are checked. */
@WithPostgres
@WithKafka
class HandshakeRateTest {

  private static final int BURST = 5;
  private static final MutableClock clock = MutableClock.startingNow();
  private static RealtimeTestServer server;

  @BeforeAll
  static void start() {
    server = RealtimeTestServer.start(Map.of(
        "HANDSHAKES_PER_ADDRESS_PER_SECOND", "1",
        "HANDSHAKE_BURST_PER_ADDRESS", String.valueOf(BURST)), clock);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void handshakesBeyondTheAddressBudgetGet429WithRetryAfterUntilItRefills() throws IOException {
    String token = "Bearer " + server.token(server.fixtures.newUser());
    for (int i = 0; i < BURST; i++) {
      assertThat(handshakeThenClose(token)).as("handshake %s", i).startsWith("HTTP/1.1 101");
    }

    String refused = handshakeThenClose(token);
    assertThat(refused).startsWith("HTTP/1.1 429 Too Many Requests")
        .contains("Retry-After: 1")
        .contains("too many WebSocket handshakes from this network address");
    assertThat(handshakeThenClose("Bearer not-even-a-token")).as("refused before the token is read")
        .startsWith("HTTP/1.1 429");

    clock.advance(Duration.ofSeconds(1));
    assertThat(handshakeThenClose(token)).startsWith("HTTP/1.1 101");
  }

  /** The server's answer head; an upgraded connection is closed right after. */
  private static String handshakeThenClose(String authorization) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(RawHttp.upgradeRequest("/ws", authorization));
      String head = RawHttp.readHead(socket.getInputStream());
      if (head.startsWith("HTTP/1.1 101")) {
        return head;
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(body);
      return head + body.toString(StandardCharsets.UTF_8);
    }
  }
}
