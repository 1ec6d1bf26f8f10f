package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Upgrade requests that are not one: each is answered with an HTTP status and closed. */
class HandshakeAbuseTest extends RealtimeServerTest {

  @Test
  void requestThatIsNotAnUpgradeGets400AndIsClosed() throws IOException {
    String response = exchange("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400 Bad Request").contains("not a WebSocket upgrade request");
  }

  @Test
  void garbageInsteadOfARequestGets400AndIsClosed() throws IOException {
    assertThat(exchange("\u0016\u0003\u0001 hello, this is TLS or noise\r\n\r\n")).startsWith("HTTP/1.1 400");
  }

  @Test
  void unsupportedWebSocketVersionGets400AndIsClosed() throws IOException {
    String request = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
        + "Authorization: Bearer " + server.token(server.fixtures.newUser()) + "\r\n\r\n";
    assertThat(exchange(request)).startsWith("HTTP/1.1 400");
  }

  @Test
  void requestHeadOver16KiBIsRefusedWith431EvenBeforeItEnds() throws IOException {
    // About 20 KB of headers and no blank line: the head never ends.
    String head = "GET /ws HTTP/1.1\r\nHost: x\r\n" + ("X-Pad: " + "y".repeat(200) + "\r\n").repeat(100);
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
    }
  }

  @Test
  void handshakeThatNeverCompletesIsClosedAfterTheTimeout() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout((int) RealtimeWebSocketServer.HANDSHAKE_TIMEOUT.plusSeconds(10).toMillis());
      socket.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      assertThat(socket.getInputStream().read()).as("the server closed the connection").isEqualTo(-1);
      assertThat(System.nanoTime() - started).as("not before the timeout")
          .isGreaterThanOrEqualTo(RealtimeWebSocketServer.HANDSHAKE_TIMEOUT.minusSeconds(1).toNanos());
    }
  }

  /** Sends the request and reads until the server closes the connection (the test fails if it does not). */
  private static String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return readAll(socket.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toString(StandardCharsets.UTF_8);
  }
}
