package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The gateway checks access tokens itself and keeps unauthenticated calls away from the backends. */
class EdgeAuthTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TestStack stack = TestStack.shared();

  @Test
  void callWithoutTokenIsAnsweredUnauthenticatedByTheGatewayAlone() {
    String testId = TestStack.newTestId();
    ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestStack.testHeaders(testId)));

    assertThatThrownBy(() -> stub.sendMessage(SendMessageRequest.newBuilder().setContent("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("authorization");
        });
    assertThat(stack.observations.get(testId)).isEmpty();
  }

  @Test
  void tokenSignedWithAnotherSecretIsRejectedAtTheGateway() {
    String testId = TestStack.newTestId();
    Metadata headers = TestStack.testHeaders(testId);
    String forged = new TokenManager("some-other-secret-0123456789-abcdefghijklmnop")
        .issueAccessToken(UUID.randomUUID().toString()).token();
    headers.put(AUTHORIZATION, "Bearer " + forged);
    ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

    assertThatThrownBy(() -> stub.sendMessage(SendMessageRequest.newBuilder().setContent("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(stack.observations.get(testId)).isEmpty();
  }

  @Test
  void connectStreamWithoutTokenIsRejectedAtTheGateway() throws Exception {
    String testId = TestStack.newTestId();
    StreamRecorder<ClientEvent, ServerEvent> recorder = new StreamRecorder<>();

    RealtimeServiceGrpc.newStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestStack.testHeaders(testId)))
        .connect(recorder);

    assertThat(recorder.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stack.observations.get(testId)).isEmpty();
  }

  @Test
  void signInCallsNeedNoToken() {
    String testId = TestStack.newTestId();

    String message = AuthServiceGrpc.newBlockingStub(stack.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestStack.testHeaders(testId)))
        .sendOTP(SendOTPRequest.newBuilder().setPhoneNumber("+905551234567").build())
        .getMessage();

    assertThat(message).isEqualTo("sent to +905551234567");
    assertThat(stack.observations.get(testId)).isPresent();
  }

  @Test
  void authServiceMethodsAddedLaterNeedATokenLikeAnyOther() {
    MethodDescriptor<byte[], byte[]> getMe = rawUnary("auth.AuthService/GetMe");

    assertThatThrownBy(() -> call(getMe, TestStack.testHeaders(TestStack.newTestId())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    // With a token it is forwarded; the fake auth backend does not implement it.
    assertThatThrownBy(() -> call(getMe, stack.userHeaders(TestStack.newTestId())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void methodOfAServiceNoBackendServesIsUnimplemented() {
    assertThatThrownBy(() -> call(rawUnary("nowhere.NoService/Call"), stack.userHeaders(TestStack.newTestId())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  private byte[] call(MethodDescriptor<byte[], byte[]> method, Metadata headers) {
    return ClientCalls.blockingUnaryCall(
        ClientInterceptors.intercept(stack.channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        method, CallOptions.DEFAULT, new byte[0]);
  }

  private static MethodDescriptor<byte[], byte[]> rawUnary(String fullName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(ByteMarshaller.INSTANCE)
        .setResponseMarshaller(ByteMarshaller.INSTANCE)
        .build();
  }
}
