package com.whatsappclone.gateway;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Collects what a stream sends the client, and how it ends. */
class StreamRecorder<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {

  final BlockingQueue<RespT> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> end = new CompletableFuture<>();
  volatile ClientCallStreamObserver<ReqT> requests;

  @Override
  public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
    this.requests = requestStream;
  }

  @Override
  public void onNext(RespT value) {
    messages.add(value);
  }

  @Override
  public void onError(Throwable t) {
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }

  RespT next(Duration timeout) throws InterruptedException {
    RespT message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new AssertionError("no message within " + timeout + " (stream ended with "
          + end.getNow(null) + ")");
    }
    return message;
  }

  Status awaitEnd(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
