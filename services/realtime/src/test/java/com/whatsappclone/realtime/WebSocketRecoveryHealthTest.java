package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.Eventually;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The realtime service's health follows its WebSocket endpoint: when the library stops the server
 * by itself (here: the very call its fatal-error handler makes), health watchers see NOT_SERVING,
 * then SERVING once a new server listens on the same port, and clients reconnect there.
 */
class WebSocketRecoveryHealthTest extends RealtimeServerTest {

  @Test
  void libraryStoppingTheWebSocketServerMakesHealthNotServingUntilItListensAgain() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.servers.grpcPort())
        .usePlaintext().build();
    List<ServingStatus> overall = watch(channel, "");
    List<ServingStatus> realtime = watch(channel, "proto.RealtimeService");
    Eventually.await("the first health answers", () -> overall.size() + realtime.size(), n -> n == 2);
    WsClient client = server.ws(server.fixtures.newUser());
    // A pong proves the server registered the connection: one that opens while the server stops
    // is closed by the library with no reason, which is not what this test is about.
    client.sendBinary(WsClient.ping(1));
    assertThat(client.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(1);
    int port = server.servers.webSocketPort();

    // What Java-WebSocket's handleFatal does after a decoder thread died of an Error.
    server.servers.webSocket().current().stop(0, "Got error on server side: java.lang.Exception");

    WsClient.Closed closed = client.awaitClose();
    assertThat(closed.reason()).isEqualTo(SupervisedWebSocketServer.FATAL_CLOSE_REASON);
    // Both watches: the server's overall status and the service's are separate streams, and
    // either may hear the last SERVING a moment after the other.
    for (List<ServingStatus> watched : List.of(realtime, overall)) {
      Eventually.await("SERVING again", () -> List.copyOf(watched),
          seen -> seen.size() >= 3 && seen.get(seen.size() - 1) == ServingStatus.SERVING);
    }
    assertThat(realtime).containsSubsequence(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING);
    assertThat(overall).containsSubsequence(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING);
    assertThat(server.servers.webSocketPort()).isEqualTo(port);

    WsClient reconnected = server.ws(server.fixtures.newUser());
    reconnected.sendBinary(WsClient.ping(5));
    assertThat(reconnected.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(5);
    reconnected.close();
    channel.shutdownNow();
  }

  private static List<ServingStatus> watch(ManagedChannel channel, String service) {
    List<ServingStatus> seen = new CopyOnWriteArrayList<>();
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(service).build(),
        new StreamObserver<>() {
          @Override public void onNext(HealthCheckResponse response) {
            seen.add(response.getStatus());
          }
          @Override public void onError(Throwable t) {}
          @Override public void onCompleted() {}
        });
    return seen;
  }
}
