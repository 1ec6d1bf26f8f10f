package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.TypingIndicator;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * Backpressure across the gateway: a reader that stops reading stops the writer at the far end,
 * instead of the gateway buffering everything. Each stream offers {@value #TOTAL} messages of 32
 * KiB (32 MiB); with flow control, the writer stalls after a few MiB of HTTP/2 windows.
 */
class FlowControlTest {

  private static final int TOTAL = 1000;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestStack stack = TestStack.shared();

  @Test
  void clientThatStopsReadingStopsTheBackendFromStreaming() throws Exception {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(Observations.TEST_MODE, "large");
    ClientCall<Ping, NewMessage> call = ClientInterceptors
        .intercept(stack.channel, MetadataUtils.newAttachHeadersInterceptor(headers))
        .newCall(FakeServices.Ticker.COUNT, CallOptions.DEFAULT);
    StreamRecorder<Ping, NewMessage> recorder = new StreamRecorder<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Ping> requestStream) {
        super.beforeStart(requestStream);
        requestStream.disableAutoRequestWithInitial(0);
      }
    };

    ClientCalls.asyncServerStreamingCall(call, Ping.newBuilder().setTimestamp(TOTAL).build(), recorder);
    Await.until("the backend started streaming", WAIT,
        () -> stack.observations.get(testId).map(o -> o.sent.get() > 0).orElse(false));
    AtomicInteger sent = stack.observations.get(testId).orElseThrow().sent;
    int sentWhileNobodyReads = awaitStalled(sent::get);

    assertThat(sentWhileNobodyReads).isLessThan(TOTAL / 2);
    assertThat(recorder.messages).isEmpty();

    recorder.requests.request(TOTAL);
    for (int i = 0; i < TOTAL; i++) {
      assertThat(recorder.next(WAIT).getMessageId()).isEqualTo(Integer.toString(i));
    }
    assertThat(recorder.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);
  }

  @Test
  void backendThatStopsReadingStopsTheClientFromSending() throws Exception {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(Observations.TEST_MODE, "no-read");
    ClientEvent big = ClientEvent.newBuilder().setTyping(TypingIndicator.newBuilder()
        .setConversationId("c".repeat(FakeServices.LARGE_PAYLOAD))).build();
    AtomicInteger sent = new AtomicInteger();
    StreamRecorder<ClientEvent, ServerEvent> recorder = new StreamRecorder<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<ClientEvent> requestStream) {
        super.beforeStart(requestStream);
        // Sends only while the transport takes more, as a well-behaved streaming client does.
        requestStream.setOnReadyHandler(() -> {
          while (requestStream.isReady() && sent.get() < TOTAL) {
            requestStream.onNext(big);
            if (sent.incrementAndGet() == TOTAL) {
              requestStream.onCompleted();
            }
          }
        });
      }
    };

    RealtimeServiceGrpc.newStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .connect(recorder);
    Await.until("the client started sending", WAIT, () -> sent.get() > 0);
    int sentWhileNobodyReads = awaitStalled(sent::get);
    Observations.Observed backend = stack.observations.get(testId).orElseThrow();

    assertThat(sentWhileNobodyReads).isLessThan(TOTAL / 2);
    assertThat(backend.received.get()).isZero();

    backend.stream.request(Integer.MAX_VALUE);
    assertThat(recorder.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);
    assertThat(backend.received.get()).isEqualTo(TOTAL);
  }

  /**
   * Waits until a counter stops moving for a while and returns where it stopped. With working
   * backpressure it stops after the windows fill; without, it runs to TOTAL within a second, which
   * the caller's assertion catches. A slow machine can only make it stop earlier, never fail.
   */
  private static int awaitStalled(IntSupplier counter) throws InterruptedException {
    long giveUp = System.nanoTime() + WAIT.toNanos();
    int last = counter.getAsInt();
    while (System.nanoTime() < giveUp) {
      TimeUnit.MILLISECONDS.sleep(500);
      int now = counter.getAsInt();
      if (now == last || now >= TOTAL) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the writer kept going for " + WAIT);
  }
}
