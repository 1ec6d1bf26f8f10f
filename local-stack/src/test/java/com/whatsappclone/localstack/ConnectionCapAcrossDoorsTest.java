package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
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
    gateway = NettyChannelBuilder.forAddress("127.0.0.1", system.gatewayPort()).usePlaintext().build();
  }

  @AfterAll
  static void stopSystem() throws InterruptedException {
    if (gateway != null) {
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aWebSocketAndConnectStreamsThroughTheGatewayShareTheUsersCap() throws Exception {
    String token = signIn("+90555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999)));
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

    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < CAP - 1; i++) {
      Stream stream = new Stream(token);
      assertThat(stream.pong(i)).as("Connect stream %s", i).isTrue();
      streams.add(stream);
    }

    // Below the gateway's own count of Connect streams (CAP - 1 < CAP), so realtime refuses it:
    // the WebSocket took the last place.
    Stream refused = new Stream(token);
    Status status = refused.ended.get(20, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("too many connections for this user");

    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean reopened = false;
    while (!reopened && System.nanoTime() < deadline) {
      Stream again = new Stream(token);
      reopened = again.pong(99);
      if (reopened) {
        streams.add(again);
      }
    }
    assertThat(reopened).as("a Connect stream opens once the WebSocket closed").isTrue();
    streams.forEach(Stream::close);
  }

  private static String signIn(String phone) {
    AuthServiceGrpc.AuthServiceBlockingStub auth =
        AuthServiceGrpc.newBlockingStub(gateway).withDeadlineAfter(10, TimeUnit.SECONDS);
    auth.sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    return auth.verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId("cap-test").build()).getAccessToken();
  }

  /** A Connect stream through the gateway. */
  private static final class Stream {
    final BlockingQueue<ServerEvent> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    final StreamObserver<ClientEvent> send;

    Stream(String accessToken) {
      send = RealtimeServiceGrpc.newStub(gateway).withCallCredentials(bearer(accessToken))
          .connect(new StreamObserver<>() {
            @Override public void onNext(ServerEvent event) { received.add(event); }
            @Override public void onError(Throwable t) { ended.complete(Status.fromThrowable(t)); }
            @Override public void onCompleted() { ended.complete(Status.OK); }
          });
    }

    /** Pings; {@code true} when the pong came, {@code false} when the stream ended instead. */
    boolean pong(long timestamp) throws InterruptedException {
      send.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(timestamp)).build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline && !ended.isDone()) {
        ServerEvent event = received.poll(100, TimeUnit.MILLISECONDS);
        if (event != null && event.hasPong() && event.getPong().getTimestamp() == timestamp) {
          return true;
        }
      }
      return false;
    }

    void close() {
      send.onCompleted();
    }
  }

  private static CallCredentials bearer(String accessToken) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + accessToken);
        applier.apply(headers);
      }
    };
  }
}
