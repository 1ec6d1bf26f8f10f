package com.whatsappclone.localstack;

import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A realtime {@code Connect} stream through the gateway whose server events land in a queue. */
final class ConnectStream implements AutoCloseable {

  private static final long WAIT_SECONDS = 20;

  final BlockingQueue<ServerEvent> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> ended = new CompletableFuture<>();
  final StreamObserver<ClientEvent> send;

  ConnectStream(Channel gateway, String accessToken) {
    send = RealtimeServiceGrpc.newStub(gateway).withCallCredentials(GatewayCalls.bearer(accessToken))
        .connect(new StreamObserver<>() {
          @Override public void onNext(ServerEvent event) { received.add(event); }
          @Override public void onError(Throwable t) { ended.complete(Status.fromThrowable(t)); }
          @Override public void onCompleted() { ended.complete(Status.OK); }
        });
  }

  /** The next event {@code wanted} accepts; the others before it are dropped. */
  ServerEvent await(Predicate<ServerEvent> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      ServerEvent event = received.poll(200, TimeUnit.MILLISECONDS);
      if (event != null && wanted.test(event)) {
        return event;
      }
    }
    throw new AssertionError("no matching event within " + WAIT_SECONDS + " s; left in queue: " + received);
  }

  /** Pings; {@code true} when the pong came, {@code false} when the stream ended instead. */
  boolean pong(long timestamp) throws InterruptedException {
    send.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(timestamp)).build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline && !ended.isDone()) {
      ServerEvent event = received.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && event.hasPong() && event.getPong().getTimestamp() == timestamp) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    send.onCompleted();
  }
}
