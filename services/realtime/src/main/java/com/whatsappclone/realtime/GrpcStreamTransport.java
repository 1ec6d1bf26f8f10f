package com.whatsappclone.realtime;

import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.common.error.ErrorDetails;
import io.grpc.Status;
import java.util.List;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A gRPC {@code Connect} stream as a {@link Transport}. gRPC's own flow control says when the
 * client can take more ({@code isReady}, and the on-ready handler calls {@link Session#drain});
 * a client that stops reading makes the session's queue overflow, which ends the stream with
 * {@code RESOURCE_EXHAUSTED}. Calls on the observer are serialised here: a stream observer is not
 * thread-safe, and events come from several threads.
 */
final class GrpcStreamTransport implements Transport {

  /** ErrorInfo reasons of the stream's own closes (the client is too slow; the server cannot go on). */
  static final String OUTBOUND_QUEUE_FULL = "OUTBOUND_QUEUE_FULL";
  static final String SERVER_UNAVAILABLE = "SERVER_UNAVAILABLE";


  private final ServerCallStreamObserver<ServerEvent> observer;
  private boolean finished;

  GrpcStreamTransport(ServerCallStreamObserver<ServerEvent> observer) {
    this.observer = observer;
  }

  @Override
  public synchronized boolean isWritable() {
    return !finished && observer.isReady();
  }

  @Override
  public synchronized void write(ServerEvent event) {
    if (!finished) {
      observer.onNext(event);
    }
  }

  @Override
  public void closeForOverflow(String reason) {
    finish(Status.RESOURCE_EXHAUSTED.withDescription(reason), OUTBOUND_QUEUE_FULL);
  }

  @Override
  public void closeUnavailable(String reason) {
    finish(Status.UNAVAILABLE.withDescription(reason), SERVER_UNAVAILABLE);
  }

  @Override
  public void closeUnauthenticated(String errorReason, String reason) {
    finish(Status.UNAUTHENTICATED.withDescription(reason), errorReason);
  }

  /** The client half-closed: end our side too. */
  synchronized void complete() {
    if (!finished) {
      finished = true;
      observer.onCompleted();
    }
  }

  /** The client cancelled or the call failed: nothing may be sent any more. */
  synchronized void markGone() {
    finished = true;
  }

  /** Ends the stream with {@code status} and an ErrorInfo saying {@code errorReason}. */
  private synchronized void finish(Status status, String errorReason) {
    if (!finished) {
      finished = true;
      observer.onError(status.asRuntimeException(ErrorDetails.trailers(status, errorReason, List.of())));
    }
  }

  @Override
  public String kind() {
    return "grpc";
  }
}
