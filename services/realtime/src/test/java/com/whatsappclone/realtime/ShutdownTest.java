package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Stopping realtime ends its Connect streams and WebSockets at once with a reason that tells
 * clients to reconnect, instead of leaving them open until the drain timeout cancels them.
 */
@WithPostgres
@WithKafka
class ShutdownTest {

  @Test
  void stopEndsOpenStreamsAndWebSocketsAtOnceWithAReconnectReason() throws Exception {
    // A drain far longer than the clients wait: only ending the streams first lets them see the end.
    RealtimeTestServer server = RealtimeTestServer.start(Map.of("GRPC_DRAIN_TIMEOUT", "60s"));
    UUID user = server.fixtures.newUser();
    StreamClient stream = server.grpc(user);
    stream.send(WsClient.ping(1));
    assertThat(stream.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(1);
    WsClient ws = server.ws(server.fixtures.newUser());
    ws.sendBinary(WsClient.ping(2));
    assertThat(ws.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(2);

    // The servers only: the test's own client channel stays open to see how the stream ends.
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(server.servers::stop);

    Status ended = stream.awaitEnd();
    assertThat(ended.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ended.getDescription()).isEqualTo("server shutting down, reconnect");
    assertThat(ws.awaitClose().reason()).isEqualTo("server shutting down, reconnect");
    stopped.join();
    server.close();
  }
}
