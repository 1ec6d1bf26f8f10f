package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One per-user connection cap over both realtime doors, with real clients: a WebSocket on
 * realtime's own port and Connect streams through the gateway count in the same number.
 */
@WithPostgres
@WithKafka
class ConnectionCapAcrossDoorsTest {

  private static final int CAP = 3;
  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    system = RunningSystem.start(db, kafka.bootstrapServers(),
        Map.of("MAX_CONNECTIONS_PER_USER", String.valueOf(CAP)));
    gateway = system.gatewayChannel();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aWebSocketAndConnectStreamsThroughTheGatewayShareTheUsersCap() throws Exception {
    String token = signIn(GatewayCalls.newPhoneNumber());
    BlockingQueue<String> webSocketText = new LinkedBlockingQueue<>();
    WebSocket webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + system.webSocketPort() + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            webSocketText.add(data.toString());
            socket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    webSocket.sendText("{\"ping\":{\"timestamp\":\"7\"}}", true).get(5, TimeUnit.SECONDS);
    assertThat(webSocketText.poll(20, TimeUnit.SECONDS)).as("the WebSocket is open").contains("pong");

    List<ConnectStream> streams = new ArrayList<>();
    for (int i = 0; i < CAP - 1; i++) {
      ConnectStream stream = new ConnectStream(gateway, token);
      assertThat(stream.pong(i)).as("Connect stream %s", i).isTrue();
      streams.add(stream);
    }

    // Below the gateway's own count of Connect streams (CAP - 1 < CAP), so realtime refuses it:
    // the WebSocket took the last place.
    ConnectStream refused = new ConnectStream(gateway, token);
    Status status = refused.ended.get(20, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("too many connections for this user");

    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean reopened = false;
    while (!reopened && System.nanoTime() < deadline) {
      ConnectStream again = new ConnectStream(gateway, token);
      reopened = again.pong(99);
      if (reopened) {
        streams.add(again);
      }
    }
    assertThat(reopened).as("a Connect stream opens once the WebSocket closed").isTrue();
    streams.forEach(ConnectStream::close);
  }

  private static String signIn(String phone) {
    return GatewayCalls.signIn(gateway, phone, "cap-test").getAccessToken();
  }


}
