package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Calls of every shape through the shared gateway reach the fake backends and come back intact. */
class ForwardingTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> CUSTOM = Metadata.Key.of("x-custom", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<byte[]> CUSTOM_BIN = Metadata.Key.of("x-custom-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private final TestStack stack = TestStack.shared();

  private ChatServiceGrpc.ChatServiceBlockingStub chat(Metadata headers) {
    return ChatServiceGrpc.newBlockingStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static SendMessageRequest message(String content) {
    return SendMessageRequest.newBuilder().setConversationId(UUID.randomUUID().toString()).setContent(content).build();
  }

  private Observations.Observed observed(String testId) {
    Await.until("the backend saw call " + testId, WAIT, () -> stack.observations.get(testId).isPresent());
    return stack.observations.get(testId).orElseThrow();
  }

  @Test
  void unaryCallReachesTheBackendAndItsAnswerComesBack() {
    String testId = TestStack.newTestId();
    SendMessageRequest request = message("hello");

    SendMessageResponse response = chat(stack.userHeaders(testId)).sendMessage(request);

    assertThat(response.getMessage().getContent()).isEqualTo("echo:hello");
    assertThat(response.getMessage().getConversationId()).isEqualTo(request.getConversationId());
    assertThat(observed(testId).method).isEqualTo("chat.ChatService/SendMessage");
  }

  @Test
  void backendStatusCodeAndMessageReachTheClientUnchanged() {
    ChatServiceGrpc.ChatServiceBlockingStub stub = chat(stack.userHeaders(TestStack.newTestId()));

    assertThatThrownBy(() -> stub.sendMessage(message("not-found")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("conversation not found");
        });
  }

  @Test
  void requestMetadataReachesTheBackend() {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(CUSTOM, "custom value");
    headers.put(CUSTOM_BIN, new byte[] {0, 1, 2, (byte) 255});
    headers.put(ForwardedMetadata.X_REQUEST_ID, "request-42");

    chat(headers).sendMessage(message("metadata"));

    Metadata seen = observed(testId).headers;
    assertThat(seen.get(AUTHORIZATION)).isEqualTo(headers.get(AUTHORIZATION));
    assertThat(seen.get(CUSTOM)).isEqualTo("custom value");
    assertThat(seen.get(CUSTOM_BIN)).containsExactly(0, 1, 2, 255);
    assertThat(seen.getAll(ForwardedMetadata.X_REQUEST_ID)).containsExactly("request-42");
  }

  @Test
  void callWithoutRequestIdGetsOneForTheBackendLogs() {
    String testId = TestStack.newTestId();

    chat(stack.userHeaders(testId)).sendMessage(message("no request id"));

    String requestId = observed(testId).headers.get(ForwardedMetadata.X_REQUEST_ID);
    assertThat(requestId).isNotBlank();
    // A canonical UUID, a new one for every call.
    assertThat(UUID.fromString(requestId)).hasToString(requestId);
    String nextTestId = TestStack.newTestId();
    chat(stack.userHeaders(nextTestId)).sendMessage(message("no request id either"));
    assertThat(observed(nextTestId).headers.get(ForwardedMetadata.X_REQUEST_ID)).isNotEqualTo(requestId);
  }

  @Test
  void backendSeesTheClientAddressNotAForwardedForTheClientMadeUp() {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(ForwardedForInterceptor.X_FORWARDED_FOR, "203.0.113.9");

    chat(headers).sendMessage(message("spoof"));

    assertThat(observed(testId).headers.getAll(ForwardedForInterceptor.X_FORWARDED_FOR)).containsExactly("127.0.0.1");
  }

  @Test
  void backendGetsTheClientAddressSignedByTheGatewayAndNotTheOneAClientClaims() {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(ClientAddressSignature.CLIENT_ADDRESS, "203.0.113.9");
    headers.put(ClientAddressSignature.SIGNATURE, "made-up");
    headers.put(ForwardedMetadata.X_REQUEST_ID, "request-7");

    chat(headers).sendMessage(message("spoof"));

    Metadata seen = observed(testId).headers;
    assertThat(seen.getAll(ClientAddressSignature.CLIENT_ADDRESS)).containsExactly("127.0.0.1");
    assertThat(seen.getAll(ClientAddressSignature.SIGNATURE)).hasSize(1);
    assertThat(ClientAddressSignature.fromJwtSecret(TestStack.JWT_SECRET).verifiedAddress(seen))
        .contains("127.0.0.1");
    assertThat(ClientAddressSignature.fromJwtSecret(TestStack.JWT_SECRET)
        .verifies("127.0.0.1", "request-7", seen.get(ClientAddressSignature.SIGNATURE)))
        .as("bound to the request id the backend sees").isTrue();
  }

  @Test
  void retryInfoOfABackendsResourceExhaustedReachesTheClient() {
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
        () -> chat(stack.userHeaders(TestStack.newTestId())).sendMessage(message("rate-limited")));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription()).isEqualTo("sending too fast");
    com.google.rpc.Status details = StatusProto.fromThrowable(refused);
    assertThat(details.getMessage()).isEqualTo("sending too fast");
    assertThat(RetryDelay.of(refused)).contains(Duration.ofMillis(750));
    assertThat(ErrorDetails.reason(refused)).as("the backend's ErrorInfo passes too").isEqualTo("RATE_LIMITED");
  }

  @Test
  void responseHeadersAndTrailersReachTheClient() {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(RecordingInterceptor.ECHO, "abc");
    AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    chat(headers).withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers))
        .sendMessage(message("echo metadata"));

    assertThat(responseHeaders.get().get(RecordingInterceptor.ECHO_HEADER)).isEqualTo("header:abc");
    assertThat(trailers.get().get(RecordingInterceptor.ECHO_TRAILER)).isEqualTo("trailer:abc");
    assertThat(new String(trailers.get().get(RecordingInterceptor.ECHO_TRAILER_BIN), StandardCharsets.UTF_8))
        .isEqualTo("abc");
  }

  @Test
  void trailersOfAFailedCallReachTheClient() {
    Metadata headers = stack.userHeaders(TestStack.newTestId());
    headers.put(RecordingInterceptor.ECHO, "failed");

    assertThatThrownBy(() -> chat(headers).sendMessage(message("failed-precondition")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).isEqualTo("not now");
          assertThat(e.getTrailers().get(RecordingInterceptor.ECHO_TRAILER)).isEqualTo("trailer:failed");
        });
  }

  @Test
  void clientDeadlineBecomesTheBackendCallsDeadline() {
    String testId = TestStack.newTestId();

    chat(stack.userHeaders(testId)).withDeadlineAfter(30, TimeUnit.SECONDS).sendMessage(message("deadline"));

    io.grpc.Deadline seen = observed(testId).deadline;
    assertThat(seen).isNotNull();
    assertThat(seen.timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1L, 30_000L);
  }

  @Test
  void callWithoutDeadlineReachesTheBackendWithoutOne() {
    String testId = TestStack.newTestId();

    chat(stack.userHeaders(testId)).sendMessage(message("no deadline"));

    assertThat(observed(testId).deadline).isNull();
  }

  @Test
  void expiredDeadlineCancelsTheBackendCall() throws InterruptedException {
    String testId = TestStack.newTestId();
    ChatServiceGrpc.ChatServiceBlockingStub stub = chat(stack.userHeaders(testId))
        .withDeadlineAfter(300, TimeUnit.MILLISECONDS);

    assertThatThrownBy(() -> stub.sendMessage(message("hang")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(observed(testId).cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void clientCancellingAUnaryCallCancelsTheBackendCall() throws Exception {
    String testId = TestStack.newTestId();
    StreamRecorder<SendMessageRequest, SendMessageResponse> recorder = new StreamRecorder<>();
    Context.CancellableContext context = Context.current().withCancellation();

    context.run(() -> ChatServiceGrpc.newStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(testId)))
        .sendMessage(message("hang"), recorder));
    Observations.Observed observed = observed(testId);
    context.cancel(null);

    assertThat(recorder.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(observed.cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void bidirectionalConnectStreamCarriesEventsBothWays() throws Exception {
    String testId = TestStack.newTestId();
    StreamRecorder<ClientEvent, ServerEvent> recorder = new StreamRecorder<>();
    StreamObserver<ClientEvent> events = realtime(testId).connect(recorder);

    List<Long> pongs = new ArrayList<>();
    for (long timestamp = 1; timestamp <= 3; timestamp++) {
      events.onNext(ping(timestamp));
      pongs.add(recorder.next(WAIT).getPong().getTimestamp());
    }
    events.onCompleted();

    assertThat(pongs).containsExactly(1L, 2L, 3L);
    assertThat(recorder.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);
    assertThat(observed(testId).received.get()).isEqualTo(3);
  }

  @Test
  void clientCancellingConnectStreamCancelsTheBackendStream() throws Exception {
    String testId = TestStack.newTestId();
    StreamRecorder<ClientEvent, ServerEvent> recorder = new StreamRecorder<>();
    StreamObserver<ClientEvent> events = realtime(testId).connect(recorder);
    events.onNext(ping(7));
    assertThat(recorder.next(WAIT).getPong().getTimestamp()).isEqualTo(7);

    recorder.requests.cancel("test cancels", null);

    assertThat(observed(testId).cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void serverStreamingCallOfADiscoveredServiceStreamsEveryMessage() {
    String testId = TestStack.newTestId();
    io.grpc.Channel channel = io.grpc.ClientInterceptors.intercept(stack.channel,
        MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(testId)));

    Iterator<NewMessage> stream = ClientCalls.blockingServerStreamingCall(channel, FakeServices.Ticker.COUNT,
        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        Ping.newBuilder().setTimestamp(5).build());
    List<String> ids = new ArrayList<>();
    stream.forEachRemaining(m -> ids.add(m.getMessageId()));

    assertThat(ids).containsExactly("0", "1", "2", "3", "4");
    assertThat(observed(testId).method).isEqualTo("gatewaytest.Ticker/Count");
  }

  private RealtimeServiceGrpc.RealtimeServiceStub realtime(String testId) {
    return RealtimeServiceGrpc.newStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(testId)));
  }

  private static ClientEvent ping(long timestamp) {
    return ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(timestamp)).build();
  }
}
