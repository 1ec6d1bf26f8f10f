package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.Eventually;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When Java-WebSocket stops its server after a fatal error, the endpoint says so and comes back.
 * The fatal error is a real one inside the library's decoder thread: an echo server whose handler
 * throws {@link InternalError} (a VirtualMachineError, which the library treats as fatal, as it
 * did the StackOverflowError of a deeply nested frame) on the text "fatal".
 */
class WebSocketEndpointRecoveryTest {

  private final List<Boolean> servingChanges = new CopyOnWriteArrayList<>();
  private WebSocketEndpoint<EchoServer> endpoint;

  @AfterEach
  void stop() throws InterruptedException {
    endpoint.stop(1_000, "test over");
  }

  @Test
  void fatalErrorInTheLibraryReportsNotServingThenTheEndpointListensAgainOnTheSamePort() throws Exception {
    endpoint = new WebSocketEndpoint<>(EchoServer::new);
    endpoint.start(new InetSocketAddress("127.0.0.1", 0));
    endpoint.reportTo(servingChanges::add);
    int port = endpoint.port();
    Client victim = Client.open(port);
    Client trigger = Client.open(port);
    // An echo proves the server registered each connection (one still opening when the server
    // stops is closed by the library without a reason).
    assertThat(victim.echo("ready")).isEqualTo("ready");
    assertThat(trigger.echo("hello")).isEqualTo("hello");

    trigger.send("fatal");

    assertThat(victim.awaitClose()).as("every connection of the failed server is closed")
        .isEqualTo(CloseFrame.GOING_AWAY);
    assertThat(victim.closeReason).isEqualTo(SupervisedWebSocketServer.FATAL_CLOSE_REASON);
    Eventually.await("the endpoint is serving again", endpoint::restartCount, count -> count == 1);
    // The restart is counted before the new server reports serving (CI once saw [true, false]).
    Eventually.await("serving reported again", () -> List.copyOf(servingChanges), changes -> changes.size() >= 3);
    assertThat(servingChanges).containsExactly(true, false, true);
    assertThat(endpoint.port()).isEqualTo(port);
    Client reconnected = Client.open(port);
    assertThat(reconnected.echo("back")).isEqualTo("back");
    reconnected.close();
  }

  @Test
  void stoppingTheEndpointIsNotMistakenForAFatalError() throws Exception {
    endpoint = new WebSocketEndpoint<>(EchoServer::new);
    endpoint.start(new InetSocketAddress("127.0.0.1", 0));
    endpoint.reportTo(servingChanges::add);
    Client client = Client.open(endpoint.port());

    endpoint.stop(1_000, "bye");

    assertThat(client.awaitClose()).isEqualTo(CloseFrame.GOING_AWAY);
    assertThat(client.closeReason).isEqualTo("bye");
    assertThat(endpoint.restartCount()).isZero();
    assertThat(servingChanges).containsExactly(true);
    assertThat(endpoint.isServing()).isFalse();
  }

  /** Echoes text frames; "fatal" throws an error the library cannot recover from. */
  static final class EchoServer extends SupervisedWebSocketServer {
    EchoServer(InetSocketAddress address) {
      super(address, 2, List.<Draft>of(new Draft_6455()));
      setReuseAddr(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onMessage(WebSocket conn, String message) {
      if (message.equals("fatal")) {
        throw new InternalError("simulated fatal error in a decoder thread");
      }
      conn.send(message);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      if (conn == null) {
        failStart(ex);
      }
    }
  }

  /** A real WebSocket client that queues what it receives. */
  static final class Client extends WebSocketClient {
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
    private volatile String closeReason;

    private Client(int port) {
      super(URI.create("ws://127.0.0.1:" + port + "/"), Map.of());
    }

    static Client open(int port) throws InterruptedException {
      Client client = new Client(port);
      assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).as("handshake on :%s", port).isTrue();
      return client;
    }

    String echo(String text) throws InterruptedException {
      send(text);
      return received.poll(10, TimeUnit.SECONDS);
    }

    int awaitClose() throws InterruptedException {
      Integer code = closes.poll(15, TimeUnit.SECONDS);
      assertThat(code).as("the connection was closed").isNotNull();
      return code;
    }

    @Override public void onOpen(ServerHandshake handshake) {}

    @Override public void onMessage(String message) {
      received.add(message);
    }

    @Override public void onClose(int code, String reason, boolean remote) {
      closeReason = reason;
      closes.add(code);
    }

    @Override public void onError(Exception ex) {}
  }
}
