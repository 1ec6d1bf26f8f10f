package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fuzzes the WebSocket door with 10,000 frames (random bytes, mutated and hostile JSON, deep and
 * huge frames), with frames that break the protocol itself, and with abusive handshakes. Every
 * answer is counted by kind; after each phase the server must still accept connections and
 * answer pings, must never have been restarted, and no answer may be INTERNAL or UNKNOWN or name
 * a Java class.
 *
 * <p>The seed is printed; {@code -Dfuzz.seed=N} replays a run.
 */
@WithPostgres
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketFuzzTest {

  private static final long SEED = Long.getLong("fuzz.seed", 20261201L);
  private static final int BATCH = 20;
  private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:java|javax|com|org|io|sun)\\.[a-z][\\w.$]*");
  private static final List<String> VALID_FRAMES = List.of(
      "{\"ping\":{\"timestamp\":\"42\"}}",
      "{\"typing\":{\"conversationId\":\"%s\",\"isTyping\":true}}",
      "{\"read_receipt\":{\"conversation_id\":\"%s\",\"message_id\":\"%s\"}}",
      "{\"ack\":{\"messageId\":\"%s\",\"conversationId\":\"%s\"}}");
  private static final String INSERTIONS = "{}[]\":,\\ \u0000\ud800x1-";
  private static final List<String> HOSTILE_VALUES = List.of(
      "\"\"", "null", "true", "-1", "1e400", "\"-9223372036854775809\"", "18446744073709551616",
      "\"' OR 1=1 --\"", "\"\\u0000\"", "\"\\ud800\"", "\"\u202e\"", "\"" + "x".repeat(10_000) + "\"",
      "[]", "{}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "\"00000000-0000-0000-0000-000000000000\"",
      "\"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz\"", "0x10", "NaN", "\"\\\"", "{\"$ref\":1}");

  private static RealtimeTestServer server;
  private static final Random random = new Random(SEED);
  private static final Map<String, Integer> outcomes = new TreeMap<>();

  @BeforeAll
  static void start() {
    System.out.println("WebSocketFuzzTest seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    server = RealtimeTestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    System.out.println("WebSocketFuzzTest outcomes: " + outcomes);
    server.close();
  }

  @Test
  @Order(1)
  void randomBinaryFrames() {
    sendInBatches(3_000, client -> {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      client.send(ByteBuffer.wrap(bytes));
    });
  }

  @Test
  @Order(2)
  void mutatedAndHostileJsonFrames() {
    UUID conversation = UUID.randomUUID();
    sendInBatches(5_000, client -> client.sendJson(random.nextBoolean()
        ? mutate(validFrame(conversation)) : hostile(conversation)));
  }

  @Test
  @Order(3)
  void deepAndHugeFrames() {
    sendInBatches(2_000, client -> {
      int depth = 1 + random.nextInt(20_000);
      String open = random.nextBoolean() ? "[" : "{\"a\":";
      String close = open.equals("[") ? "]" : "}";
      StringBuilder frame = new StringBuilder("{\"ping\":{\"timestamp\":");
      int budget = Math.min(depth, (RealtimeSettings.MAX_FRAME_BYTES - 40) / (open.length() + 1));
      frame.append(open.repeat(budget));
      if (random.nextBoolean()) {
        frame.append(close.repeat(budget)).append("}}");
      }
      if (random.nextInt(10) == 0) {
        // Bigger than the frame limit: the server closes with 1009; a new connection follows.
        frame.append("\"").append("x".repeat(RealtimeSettings.MAX_FRAME_BYTES)).append("\"");
      }
      client.sendJson(frame.toString());
    });
  }

  @Test
  @Order(4)
  void framesThatBreakTheProtocol() throws IOException {
    byte[][] frames = {
        frame(0x80 | 0x3, true, new byte[] {1, 2}),            // reserved opcode 3
        frame(0x80 | 0xB, true, new byte[] {1}),               // reserved control opcode
        frame(0xC0 | 0x1, true, "{}".getBytes()),               // RSV1 without an extension
        frame(0x80 | 0x1, false, "{}".getBytes()),              // a client frame without a mask
        frame(0x80 | 0x1, true, new byte[] {(byte) 0xc3, 0x28}), // invalid UTF-8 in a text frame
        frame(0x80 | 0x9, true, new byte[200]),                // control frame over 125 bytes
        frame(0x00 | 0x9, true, new byte[] {1}),               // fragmented control frame
        frame(0x80 | 0x0, true, new byte[] {1}),               // continuation with nothing to continue
        concat(frame(0x00 | 0x1, true, "{\"pi".getBytes()), frame(0x80 | 0x1, true, "ng\":{}}".getBytes())),
        frame(0x80 | 0x8, true, new byte[] {0x03}),            // close with a 1-byte payload
        frame(0x80 | 0x8, true, new byte[] {0x03, (byte) 0xe8, (byte) 0xff}), // close reason not UTF-8
        lengthLie(),                                           // 64-bit length 2^63-1
    };
    for (byte[] bytes : frames) {
      String outcome = rawExchange(bytes);
      count("protocol:" + outcome);
      assertThat(outcome).doesNotContainPattern(JAVA_CLASS);
    }
    assertServing();
  }

  @Test
  @Order(5)
  void abusiveHandshakes() throws IOException {
    String token = server.token(server.fixtures.newUser());
    List<String> requests = new ArrayList<>(List.of(
        "GET /ws HTTP/1.1\r\n\r\n",
        "GARBAGE\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\n"
            + "Sec-WebSocket-Version: 99\r\nAuthorization: Bearer " + token + "\r\n\r\n",
        "GET /ws?access_token=%zz%00 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Authorization: Bearer " + "A".repeat(20_000) + "\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: x\r\n" + "X-Pad: y\r\n".repeat(5_000) + "\r\n",
        "GET /" + "a".repeat(50_000) + " HTTP/1.1\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Authorization: Bearer " + token + "\r\nAuthorization: Bearer " + token + "\r\n\r\n"));
    for (int i = 0; i < 20; i++) {
      byte[] noise = new byte[1 + random.nextInt(2_000)];
      random.nextBytes(noise);
      requests.add(new String(noise, StandardCharsets.ISO_8859_1));
    }
    for (String request : requests) {
      String outcome = rawHandshakeOutcome(request.getBytes(StandardCharsets.ISO_8859_1));
      count("handshake:" + outcome);
      assertThat(outcome).doesNotContainPattern(JAVA_CLASS).doesNotContain("left open");
    }
    // Half-open connections that never finish their handshake must not block anyone else.
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort());
        socket.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        idle.add(socket);
      }
      assertServing();
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  // ---- sending frames and reading what came back -------------------------------------------

  private interface Sender {
    void send(WsClient client);
  }

  /** Sends {@code total} frames, {@value #BATCH} at a time, each batch followed by a ping. */
  private static void sendInBatches(int total, Sender sender) {
    WsClient client = server.ws(server.fixtures.newUser());
    int sent = 0;
    while (sent < total) {
      try {
        for (int i = 0; i < BATCH && sent < total; i++, sent++) {
          sender.send(client);
        }
        long id = random.nextLong() & Long.MAX_VALUE;
        client.sendJson("{\"ping\":{\"timestamp\":\"" + id + "\"}}");
        awaitPong(client, id);
      } catch (WebsocketNotConnectedException closedByTheServer) {
        // A frame over the size limit closes the connection; carry on with a new one.
        client = reconnectAfterClose(client);
      }
    }
    client.close();
    assertServing();
  }

  /** Records every event until the pong; a connection closed meanwhile counts as not connected. */
  private static void awaitPong(WsClient client, long id) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WsClient.TIMEOUT_SECONDS);
    while (true) {
      ServerEvent event = client.nextWithin(0);
      if (event == null) {
        if (client.isClosedYet() || System.nanoTime() > deadline) {
          throw new WebsocketNotConnectedException();
        }
        event = client.nextWithinMillis(50);
        if (event == null) {
          continue;
        }
      }
      if (event.hasPong() && event.getPong().getTimestamp() == id) {
        return;
      }
      record(event);
    }
  }

  private static WsClient reconnectAfterClose(WsClient client) {
    WsClient.Closed closed = client.awaitClose();
    count("close:" + closed.code());
    assertThat(closed.reason()).doesNotContainPattern(JAVA_CLASS);
    ServerEvent leftover;
    while ((leftover = client.nextOrNull()) != null) {
      record(leftover);
    }
    return server.ws(server.fixtures.newUser());
  }

  private static void record(ServerEvent event) {
    if (event.hasError()) {
      String code = event.getError().getCode();
      count("error:" + code);
      assertThat(code).as(event.getError().getMessage()).isNotIn("INTERNAL", "UNKNOWN");
      assertThat(event.getError().getMessage()).doesNotContainPattern(JAVA_CLASS).doesNotContain("Exception");
    } else {
      count(event.getEventCase().name());
    }
  }

  private static void count(String outcome) {
    outcomes.merge(outcome, 1, Integer::sum);
  }

  /** A new connection answers a ping, and the server was never replaced after a fatal error. */
  private static void assertServing() {
    WsClient probe = server.ws(server.fixtures.newUser());
    probe.sendBinary(WsClient.ping(7));
    assertThat(probe.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(7);
    probe.close();
    assertThat(server.servers.webSocket().restartCount()).as("WebSocket server restarts").isZero();
  }

  // ---- frame generators --------------------------------------------------------------------

  private static String validFrame(UUID conversation) {
    String template = VALID_FRAMES.get(random.nextInt(VALID_FRAMES.size()));
    return template.replaceFirst("%s", conversation.toString()).replaceFirst("%s", UUID.randomUUID().toString());
  }

  private static String mutate(String frame) {
    StringBuilder text = new StringBuilder(frame);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits && text.length() > 0; i++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(4)) {
        case 0 -> text.deleteCharAt(at);
        case 1 -> text.insert(at, INSERTIONS.charAt(random.nextInt(INSERTIONS.length())));
        case 2 -> text.setCharAt(at, (char) random.nextInt(0x10000));
        default -> text.setLength(at);
      }
    }
    return text.toString();
  }

  private static String hostile(UUID conversation) {
    String value = HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size()));
    return switch (random.nextInt(6)) {
      case 0 -> "{\"ping\":{\"timestamp\":" + value + "}}";
      case 1 -> "{\"typing\":{\"conversationId\":" + value + ",\"isTyping\":" + value + "}}";
      case 2 -> "{\"readReceipt\":{\"conversationId\":\"" + conversation + "\",\"messageId\":" + value + "}}";
      case 3 -> "{\"ack\":{\"messageId\":" + value + ",\"conversationId\":" + value + "}}";
      case 4 -> "{\"ping\":{},\"typing\":{\"conversationId\":" + value + "}}";
      default -> "{" + value + ":" + value + "}";
    };
  }

  // ---- raw sockets, for what a well-behaved client library cannot send ---------------------

  private static String rawExchange(byte[] frameBytes) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(RawHttp.upgradeRequest("/ws", "Bearer " + server.token(server.fixtures.newUser())));
      InputStream in = socket.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 101");
      out.write(frameBytes);
      out.write(frame(0x80 | 0x1, true, "{\"ping\":{\"timestamp\":\"1\"}}".getBytes(StandardCharsets.UTF_8)));
      return readUntilCloseOrPong(in);
    }
  }

  /** "pong", "close <code> <reason>", "error", or "timeout". */
  private static String readUntilCloseOrPong(InputStream in) throws IOException {
    try {
      while (true) {
        int first = in.read();
        if (first == -1) {
          return "eof";
        }
        int second = in.read();
        long length = second & 0x7f;
        if (length == 126) {
          length = (in.read() << 8) | in.read();
        } else if (length == 127) {
          length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] payload = in.readNBytes((int) length);
        int opcode = first & 0x0f;
        if (opcode == 0x8) {
          int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 0;
          String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
          return "close " + code + (reason.isEmpty() ? "" : " " + reason);
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (text.contains("\"pong\"")) {
          return "pong";
        }
        if (text.contains("\"error\"")) {
          assertThat(text).doesNotContainPattern(JAVA_CLASS).doesNotContain("INTERNAL").doesNotContain("UNKNOWN");
        }
      }
    } catch (SocketTimeoutException e) {
      return "timeout";
    } catch (IOException e) {
      return "reset";
    }
  }

  private static String rawHandshakeOutcome(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort())) {
      // Noise that is not a complete request head leaves the server waiting for more: a second tells.
      socket.setSoTimeout(500);
      try {
        socket.getOutputStream().write(request);
        InputStream in = socket.getInputStream();
        String head = RawHttp.readHead(in);
        int end = head.indexOf("\r\n");
        String status = head.isEmpty() ? "closed" : end < 0 ? head : head.substring(0, end);
        if (!head.isEmpty() && !status.startsWith("HTTP/1.1 101")) {
          // A refused handshake must not leave the connection (and its file descriptor) open.
          try {
            in.transferTo(OutputStream.nullOutputStream());
            status += " then closed";
          } catch (SocketTimeoutException e) {
            status += " left open";
          }
        }
        return status;
      } catch (SocketTimeoutException e) {
        return "timeout";
      } catch (IOException e) {
        return "reset";
      }
    }
  }

  /** One frame; a client's frames are masked (with a fixed mask: the server must not care). */
  private static byte[] frame(int firstByte, boolean masked, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(14 + payload.length);
    buffer.put((byte) firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      buffer.put((byte) (maskBit | payload.length));
    } else {
      buffer.put((byte) (maskBit | 126)).putShort((short) payload.length);
    }
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    if (masked) {
      buffer.put(mask);
    }
    for (int i = 0; i < payload.length; i++) {
      buffer.put((byte) (masked ? payload[i] ^ mask[i % 4] : payload[i]));
    }
    byte[] bytes = new byte[buffer.position()];
    buffer.flip().get(bytes);
    return bytes;
  }

  private static byte[] lengthLie() {
    ByteBuffer buffer = ByteBuffer.allocate(14);
    buffer.put((byte) 0x82).put((byte) (0x80 | 127)).putLong(Long.MAX_VALUE).put(new byte[] {1, 2, 3, 4});
    return buffer.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
