package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.Eventually;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.Test;

/**
 * The realtime module's patched copy of Java-WebSocket's WebSocketServer is the one loaded,
 * matches the library's version, and does what it is for: connections the server wrote to and
 * that then stay quiet do not stay in the selector's selected-key set, which the loop walks at
 * every wakeup; and a frame queued while the selector empties the connection's queue is written.
 */
class SelectorLoopPatchTest {

  private static final int CONNECTIONS = 50;
  private static final int ROUNDS = 50_000;

  @Test
  void thePatchedServerIsTheOneLoaded() {
    assertThat(SupervisedWebSocketServer.SELECTOR_LOOP_PATCHED).isTrue();
    String loadedFrom = WebSocketServer.class.getProtectionDomain().getCodeSource().getLocation().toString();
    assertThat(loadedFrom).doesNotContain("Java-WebSocket");
  }

  @Test
  void theLibraryIsTheVersionThePatchWasMadeFor() throws Exception {
    Properties library = new Properties();
    try (InputStream in = WebSocketClient.class.getResourceAsStream(
        "/META-INF/maven/org.java-websocket/Java-WebSocket/pom.properties")) {
      assertThat(in).as("Java-WebSocket's pom.properties").isNotNull();
      library.load(in);
    }
    // Upgrading? Compare the new WebSocketServer.run() with the copy, re-apply or drop the patch,
    // then change this version.
    assertThat(library.getProperty("version")).isEqualTo("1.6.0");
  }

  @Test
  void idleConnectionsTheServerWroteToDoNotStayInTheSelectedKeySet() throws Exception {
    CountDownLatch greeted = new CountDownLatch(CONNECTIONS);
    // A write: the connection's key is selected for OP_WRITE.
    WebSocketServer server = server(conn -> conn.send("hello"), (conn, message) -> { });
    server.setReuseAddr(true);
    // No pings: a pong is a read, which would take the key out of the set even unpatched.
    server.setConnectionLostTimeout(0);
    server.start();
    List<WebSocketClient> clients = new ArrayList<>();
    try {
      int port = Eventually.await("the server to listen", server::getPort, p -> p > 0);
      for (int i = 0; i < CONNECTIONS; i++) {
        WebSocketClient client = client(port, message -> greeted.countDown());
        clients.add(client);
        assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(greeted.await(20, TimeUnit.SECONDS)).isTrue();

      Selector selector = selectorOf(server);
      // Unpatched, every greeted connection stays in the set until it sends something.
      Eventually.await("the selected-key set to be empty between wakeups",
          () -> selector.selectedKeys().size(), size -> size == 0);
    } finally {
      for (WebSocketClient client : clients) {
        client.closeBlocking();
      }
      server.stop(1_000);
    }
  }

  /**
   * A frame queued by another thread just as the selector thread emptied the connection's queue
   * must still go out. Upstream's doWrite then set the key's interest back to read only, after
   * the other thread had asked for write: the frame stayed queued until some later frame asked
   * again, and the realtime transport, which stops handing frames over while 4 wait
   * (WebSocketTransport), never asked again. Each round the server answers twice, from the
   * decoder thread and from another one, so the second answer often lands while the selector
   * writes the first. A race: the unpatched class lost an answer in 4 runs of 6 (README).
   */
  @Test
  void aFrameQueuedAsTheSelectorEmptiesTheQueueIsStillWritten() throws Exception {
    ExecutorService replies = Executors.newSingleThreadExecutor();
    // Two answers from two threads: the second is queued while the selector writes the first.
    WebSocketServer server = server(conn -> { }, (conn, message) -> {
      conn.send(message + "/decoder");
      replies.execute(() -> conn.send(message + "/other"));
    });
    server.setReuseAddr(true);
    server.setConnectionLostTimeout(0);
    server.setTcpNoDelay(true); // as the realtime server does: small answers go out at once
    server.start();
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocketClient client = null;
    try {
      int port = Eventually.await("the server to listen", server::getPort, p -> p > 0);
      client = client(port, received::add);
      client.setTcpNoDelay(true);
      assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
      for (int round = 0; round < ROUNDS; round++) {
        client.send(String.valueOf(round));
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 2; i++) {
          answers.add(received.poll(5, TimeUnit.SECONDS));
        }
        assertThat(answers).as("answers to round %d", round).containsExactlyInAnyOrder(round + "/decoder", round + "/other");
      }
    } finally {
      if (client != null) {
        client.closeBlocking();
      }
      server.stop(1_000);
      replies.shutdownNow();
    }
  }

  /** A server that does {@code onOpen} and {@code onMessage} and nothing else. */
  private static WebSocketServer server(Consumer<WebSocket> onOpen, BiConsumer<WebSocket, String> onMessage) {
    return new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
      @Override
      public void onOpen(WebSocket conn, ClientHandshake handshake) {
        onOpen.accept(conn);
      }

      @Override
      public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

      @Override
      public void onMessage(WebSocket conn, String message) {
        onMessage.accept(conn, message);
      }

      @Override
      public void onError(WebSocket conn, Exception ex) {}

      @Override
      public void onStart() {}
    };
  }

  /** A client of the server on {@code port} that hands every text frame to {@code onMessage}. */
  private static WebSocketClient client(int port, Consumer<String> onMessage) {
    return new WebSocketClient(URI.create("ws://127.0.0.1:" + port)) {
      @Override
      public void onOpen(ServerHandshake handshake) {}

      @Override
      public void onMessage(String message) {
        onMessage.accept(message);
      }

      @Override
      public void onClose(int code, String reason, boolean remote) {}

      @Override
      public void onError(Exception ex) {}
    };
  }

  /** The server's selector; read from another thread only for its size. */
  private static Selector selectorOf(WebSocketServer server) throws Exception {
    Field field = WebSocketServer.class.getDeclaredField("selector");
    field.setAccessible(true);
    return Eventually.await("the server's selector", () -> (Selector) field.get(server), s -> s != null);
  }
}
