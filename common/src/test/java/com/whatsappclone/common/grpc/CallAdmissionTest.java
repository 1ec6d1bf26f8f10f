package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnavailableException;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.ListMessagesResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server works on at most GRPC_MAX_CONCURRENT_CALLS unary calls and refuses the rest at once. */
class CallAdmissionTest {

  /** Holds the calls asking for limit 1 until the test lets them go; answers the others at once. */
  static final class HeldChat extends ChatServiceGrpc.ChatServiceImplBase {
    final Semaphore release = new Semaphore(0);
    final Semaphore started = new Semaphore(0);
    final List<String> threadNames = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> out) {
      threadNames.add(Thread.currentThread().getName());
      if (request.getLimit() != 1) {
        out.onNext(ListMessagesResponse.getDefaultInstance());
        out.onCompleted();
        return;
      }
      started.release();
      try {
        if (!release.tryAcquire(10, TimeUnit.SECONDS)) {
          out.onError(Status.DEADLINE_EXCEEDED.withDescription("test never released the call").asException());
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.onError(Status.CANCELLED.asException());
        return;
      }
      out.onNext(ListMessagesResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  private static final ListMessagesRequest HELD = ListMessagesRequest.newBuilder().setLimit(1).build();
  private static final ListMessagesRequest QUICK = ListMessagesRequest.newBuilder().setLimit(2).build();

  private final HeldChat chat = new HeldChat();
  private GrpcServer server;
  private ManagedChannel channel;

  private ChatServiceGrpc.ChatServiceFutureStub start(int maxConcurrentCalls) {
    return start(maxConcurrentCalls, () -> false);
  }

  private ChatServiceGrpc.ChatServiceFutureStub start(int maxConcurrentCalls, BooleanSupplier databaseStalled) {
    server = GrpcServer.builder("admission-test", 0).host("127.0.0.1")
        .maxConcurrentCalls(maxConcurrentCalls).refusalsFollow(databaseStalled).addService(chat).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    return ChatServiceGrpc.newFutureStub(channel);
  }

  @AfterEach
  void stop() throws InterruptedException {
    chat.release.release(100);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void aCallBeyondTheBoundIsRefusedAtOnceWithARetryDelay() throws Exception {
    ChatServiceGrpc.ChatServiceFutureStub stub = start(2);
    List<Future<ListMessagesResponse>> admitted = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      admitted.add(stub.listMessages(HELD));
    }
    assertThat(chat.started.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();

    // The refusal comes while both admitted calls are still held: it did not wait for them.
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .listMessages(QUICK).get(5, TimeUnit.SECONDS));
    StatusRuntimeException status = (StatusRuntimeException) refused.getCause();
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getStatus().getDescription()).contains("admission-test", "(2)");
    assertThat(ErrorDetails.reason(status)).isEqualTo(Reasons.SERVER_OVERLOADED);
    assertThat(RetryDelay.of(status)).contains(CallAdmission.RETRY_DELAY);
    assertThat(admitted).noneMatch(Future::isDone);

    chat.release.release(2);
    for (Future<ListMessagesResponse> call : admitted) {
      assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(ListMessagesResponse.getDefaultInstance());
    }
    assertThat(stub.listMessages(QUICK).get(10, TimeUnit.SECONDS))
        .isEqualTo(ListMessagesResponse.getDefaultInstance());
  }

  @Test
  void aCallRefusedWhileTheDatabaseIsStalledIsAnsweredUnavailableWithTheDatabasesRetryDelay() throws Exception {
    AtomicBoolean stalled = new AtomicBoolean(true);
    ChatServiceGrpc.ChatServiceFutureStub stub = start(1, stalled::get);
    Future<ListMessagesResponse> admitted = stub.listMessages(HELD);
    assertThat(chat.started.tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();

    StatusRuntimeException whileStalled = (StatusRuntimeException) assertThrows(ExecutionException.class,
        () -> stub.listMessages(QUICK).get(5, TimeUnit.SECONDS)).getCause();
    assertThat(whileStalled.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ErrorDetails.reason(whileStalled)).isEqualTo(Reasons.DATABASE_UNAVAILABLE);
    assertThat(whileStalled.getStatus().getDescription()).contains("admission-test", "database");
    assertThat(RetryDelay.of(whileStalled)).contains(UnavailableException.RETRY_DELAY);

    stalled.set(false);
    StatusRuntimeException whileBusy = (StatusRuntimeException) assertThrows(ExecutionException.class,
        () -> stub.listMessages(QUICK).get(5, TimeUnit.SECONDS)).getCause();
    assertThat(whileBusy.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ErrorDetails.reason(whileBusy)).isEqualTo(Reasons.SERVER_OVERLOADED);

    chat.release.release(1);
    assertThat(admitted.get(10, TimeUnit.SECONDS)).isEqualTo(ListMessagesResponse.getDefaultInstance());
  }

  @Test
  void aCallCancelledByItsClientGivesItsPlaceBackOnceItsHandlerReturns() throws Exception {
    ChatServiceGrpc.ChatServiceFutureStub stub = start(1);
    Future<ListMessagesResponse> held = stub.listMessages(HELD);
    assertThat(chat.started.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    held.cancel(true);
    // The server never closes a cancelled call; its place must come back when its handler
    // returns (until then it still holds a thread, so it still counts).
    chat.release.release(1);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    ListMessagesResponse answered = null;
    while (answered == null && System.nanoTime() < deadline) {
      try {
        answered = stub.listMessages(QUICK).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        Thread.sleep(20);
      }
    }
    assertThat(answered).isEqualTo(ListMessagesResponse.getDefaultInstance());
  }

  @Test
  void callsRunOnThreadsNamedAfterTheServer() throws Exception {
    ChatServiceGrpc.ChatServiceFutureStub stub = start(4);
    stub.listMessages(QUICK).get(10, TimeUnit.SECONDS);
    assertThat(chat.threadNames).singleElement().asString().matches("admission-test-grpc-\\d+");
  }
}
