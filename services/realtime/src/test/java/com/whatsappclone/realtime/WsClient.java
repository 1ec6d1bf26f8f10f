package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A real Java-WebSocket client that records every event it receives (decoded from JSON text or
 * protobuf binary frames) and how the connection closed.
 */
final class WsClient extends WebSocketClient {

  static final long TIMEOUT_SECONDS = 15;
  private static final AtomicLong PING_IDS = new AtomicLong(1_000);

  /** A close as seen by the client. */
  record Closed(int code, String reason, boolean remote) {}

  private final ReceivedEvents events = new ReceivedEvents(() -> "");
  private final LinkedBlockingQueue<String> rawTexts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private volatile CountDownLatch readGate;

  WsClient(URI uri, Map<String, String> headers) {
    super(uri, headers);
  }

  /** Connects and fails the test unless the handshake succeeds. */
  static WsClient open(URI uri, Map<String, String> headers) {
    WsClient client = new WsClient(uri, headers);
    try {
      assertThat(client.connectBlocking(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .as("WebSocket handshake with %s", uri.getPath()).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return client;
  }

  /** From now on the client's reading thread stops in onMessage until the gate opens. */
  void stopReadingUntil(CountDownLatch gate) {
    this.readGate = gate;
  }

  @Override
  public void onOpen(ServerHandshake handshake) {
  }

  @Override
  public void onMessage(String message) {
    awaitGate();
    rawTexts.add(message);
    ServerEvent.Builder event = ServerEvent.newBuilder();
    try {
      JsonFormat.parser().merge(message, event);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("server sent invalid JSON: " + message, e);
    }
    events.add(event.build());
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    awaitGate();
    try {
      events.add(ServerEvent.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("server sent an invalid binary frame", e);
    }
  }

  private void awaitGate() {
    CountDownLatch gate = readGate;
    if (gate != null) {
      try {
        gate.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closed.complete(new Closed(code, reason, remote));
  }

  @Override
  public void onError(Exception ex) {
    // onClose follows with the code; tests assert on that.
  }

  void sendJson(String json) {
    send(json);
  }

  void sendBinary(ClientEvent event) {
    send(event.toByteArray());
  }

  /** The next event of any kind. */
  ServerEvent next() {
    return events.next();
  }

  /** The next event of this kind, skipping presence updates (other users coming and going). */
  ServerEvent next(ServerEvent.EventCase kind) {
    return events.next(kind);
  }

  /** The next event, or null when none came within {@code seconds}. */
  ServerEvent nextWithin(long seconds) {
    return nextWithinMillis(TimeUnit.SECONDS.toMillis(seconds));
  }

  /** The next event, or null when none came within {@code millis}. */
  ServerEvent nextWithinMillis(long millis) {
    return events.nextWithinMillis(millis);
  }

  /** An event already received, or null when there is none (after the connection closed). */
  ServerEvent nextOrNull() {
    return events.nextOrNull();
  }

  /** The next raw JSON text frame. */
  String nextText() {
    try {
      String text = rawTexts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (text == null) {
        fail("no text frame within " + TIMEOUT_SECONDS + " s");
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Pings and returns every event received before the matching pong. Events to one connection
   * keep their order, so this shows what reached the client up to now.
   */
  List<ServerEvent> eventsUntilPong() {
    long id = PING_IDS.incrementAndGet();
    sendJson("{\"ping\":{\"timestamp\":\"" + id + "\"}}");
    return events.untilPong(id);
  }

  static ClientEvent ping(long timestamp) {
    return ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(timestamp)).build();
  }

  Closed awaitClose() {
    try {
      return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("connection not closed within " + TIMEOUT_SECONDS + " s");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  boolean isClosedYet() {
    return closed.isDone();
  }
}
