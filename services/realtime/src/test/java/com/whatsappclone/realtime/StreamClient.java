package com.whatsappclone.realtime;

import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** A real gRPC {@code Connect} stream that records what the server sends and how it ended. */
final class StreamClient implements ClientResponseObserver<ClientEvent, ServerEvent>, AutoCloseable {

  private static final AtomicLong PING_IDS = new AtomicLong(5_000);

  private final CompletableFuture<Status> ended = new CompletableFuture<>();
  private final ReceivedEvents events =
      new ReceivedEvents(() -> ended.isDone() ? "; stream ended: " + ended.join() : "");
  /** What the stream failed with, trailers included (null when it completed). */
  private volatile Throwable failure;
  private final boolean manualFlowControl;
  private ClientCallStreamObserver<ClientEvent> requests;

  private StreamClient(boolean manualFlowControl) {
    this.manualFlowControl = manualFlowControl;
  }

  /** Opens the stream on a channel whose calls carry the user's token. */
  static StreamClient connect(Channel channel) {
    return connect(channel, false);
  }

  /** @param manualFlowControl read nothing until {@link #request} is called (a stalled client) */
  static StreamClient connect(Channel channel, boolean manualFlowControl) {
    StreamClient client = new StreamClient(manualFlowControl);
    RealtimeServiceGrpc.newStub(channel).connect(client);
    return client;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ClientEvent> requestStream) {
    this.requests = requestStream;
    if (manualFlowControl) {
      requestStream.disableAutoRequestWithInitial(0);
    }
  }

  void request(int count) {
    requests.request(count);
  }

  @Override
  public void onNext(ServerEvent value) {
    events.add(value);
  }

  @Override
  public void onError(Throwable t) {
    failure = t;
    ended.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    ended.complete(Status.OK);
  }

  synchronized void send(ClientEvent event) {
    requests.onNext(event);
  }

  ServerEvent next() {
    return events.next();
  }

  /** The next event of this kind, skipping presence updates. */
  ServerEvent next(ServerEvent.EventCase kind) {
    return events.next(kind);
  }

  List<ServerEvent> eventsUntilPong() {
    long id = PING_IDS.incrementAndGet();
    send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(id)).build());
    return events.untilPong(id);
  }

  /** {@link #eventsUntilPong} for a client with manual flow control: asks for each event. */
  List<ServerEvent> eventsUntilPongWithRequests() {
    long id = PING_IDS.incrementAndGet();
    send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(id)).build());
    List<ServerEvent> before = new ArrayList<>();
    while (true) {
      ServerEvent event = next();
      request(1);
      if (event.hasPong() && event.getPong().getTimestamp() == id) {
        return before;
      }
      before.add(event);
    }
  }

  Status awaitEnd() {
    try {
      return ended.get(WsClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("stream did not end within " + WsClient.TIMEOUT_SECONDS + " s");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the stream failed with (its status details are in its trailers); null if it completed. */
  Throwable awaitFailure() {
    awaitEnd();
    return failure;
  }

  /** Everything received so far, without waiting. */
  List<ServerEvent> receivedSoFar() {
    List<ServerEvent> all = new ArrayList<>();
    events.drainTo(all);
    return all;
  }

  @Override
  public synchronized void close() {
    if (!ended.isDone()) {
      requests.onCompleted();
      awaitEnd();
    }
  }
}
