package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * While the worker pool is backed up (here: its only thread held in one device's catch-up),
 * new WebSocket handshakes get 503 with Retry-After instead of an upgrade that would be closed
 * with 1013 later; once the backlog drains, handshakes are upgraded again.
 */
@WithPostgres
@WithKafka
class HandshakeWhileBackedUpTest {

  private static final int QUEUE = 10;

  /** Holds the catch-up of one chosen user, which keeps the only worker thread busy. */
  private static final class HoldingProbe implements CatchUpProbe {
    volatile String heldUser;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void pageRead(String userId, List<NewMessage> page) {
      if (userId.equals(heldUser)) {
        reached.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static final HoldingProbe probe = new HoldingProbe();
  /** Raw connections that were upgraded; closed when the test ends. */
  private static final List<Socket> OPEN = new CopyOnWriteArrayList<>();
  private static final ServiceMetrics metrics = ServiceMetrics.create("realtime");
  private static RealtimeTestServer server;

  @BeforeAll
  static void start() {
    server = RealtimeTestServer.start(RealtimeTestServer.newDatabase(), Map.of(
        "REALTIME_WORKER_THREADS", "1",
        "REALTIME_WORKER_QUEUE", String.valueOf(QUEUE)), probe, Clock.systemUTC(), metrics);
  }

  @AfterAll
  static void stop() throws IOException {
    probe.release.countDown();
    for (Socket socket : OPEN) {
      socket.close();
    }
    server.close();
  }

  @Test
  void handshakesGet503WithRetryAfterWhileTheWorkerQueueIsNearlyFull() throws Exception {
    UUID held = server.fixtures.newUser();
    probe.heldUser = held.toString();
    List<WsClient> clients = new ArrayList<>();
    try {
      clients.add(WsClient.open(server.wsUri(), bearer(held)));
      assertThat(probe.reached.await(15, TimeUnit.SECONDS)).as("the only worker is held").isTrue();

      // Each upgraded connection queues its connect task behind the held one.
      String answer = "";
      for (int i = 0; i < QUEUE && !answer.startsWith("HTTP/1.1 503"); i++) {
        answer = handshakeHead(server.token(server.fixtures.newUser()));
      }
      assertThat(answer).as("a handshake once 9 of 10 tasks are queued")
          .startsWith("HTTP/1.1 503 Service Unavailable")
          .contains("Retry-After: " + RealtimeWebSocketServer.BUSY_RETRY_AFTER_SECONDS)
          .contains("server busy");
      assertThat(handshakeHead("not-even-a-token")).as("refused before the token is read")
          .startsWith("HTTP/1.1 503");
      assertThat(metrics.registry().get("realtime.handshakes.busy").counter().count()).isEqualTo(2.0);
    } finally {
      probe.release.countDown();
      clients.forEach(WsClient::close);
    }

    String afterDrain = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!afterDrain.startsWith("HTTP/1.1 101") && System.nanoTime() < deadline) {
      afterDrain = handshakeHead(server.token(server.fixtures.newUser()));
      if (!afterDrain.startsWith("HTTP/1.1 101")) {
        Thread.sleep(100);
      }
    }
    assertThat(afterDrain).as("a handshake once the backlog drained").startsWith("HTTP/1.1 101");
  }

  private static Map<String, String> bearer(UUID user) {
    return Map.of("Authorization", "Bearer " + server.token(user));
  }

  /**
   * The server's answer head (with the body of a refusal). An upgraded connection stays open
   * until the test ends, as its connect task waits in the queue.
   */
  private static String handshakeHead(String token) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.servers.webSocketPort());
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(RawHttp.upgradeRequest("/ws", "Bearer " + token));
    String head = RawHttp.readHead(socket.getInputStream());
    if (head.startsWith("HTTP/1.1 101")) {
      OPEN.add(socket);
      return head;
    }
    try (socket) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(body);
      return head + body.toString(StandardCharsets.UTF_8);
    }
  }
}
