package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.PermissionDeniedException;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.GetConversationsResponse;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.ListMessagesResponse;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcServerTest {

  /** A chat service whose handlers fail in the ways real handlers do. */
  static final class FailingChatService extends ChatServiceGrpc.ChatServiceImplBase {
    final CountDownLatch slowCallStarted = new CountDownLatch(1);
    final AtomicBoolean slowCallFinished = new AtomicBoolean();

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> out) {
      switch (request.getContent()) {
        case "invalid": throw new InvalidArgumentException("INVALID_ID", "conversation_id", "must be a UUID");
        case "db-down": throw new IllegalStateException("wrapped", new SQLTransientConnectionException("pool timeout"));
        case "bug": throw new NullPointerException("SELECT secret FROM users WHERE token='tok-secret'");
        case "on-error": out.onError(new PermissionDeniedException("NOT_A_PARTICIPANT", "not a participant")); return;
        case "limited": throw new ResourceExhaustedException("RATE_LIMITED", "too many messages", Duration.ofMillis(1500));
        case "limited-on-error":
          out.onError(new ResourceExhaustedException("OTP_RATE_LIMITED", "too many codes", Duration.ofSeconds(600)));
          return;
        case "limited-no-delay": throw new ResourceExhaustedException("QUOTA_EXCEEDED", "quota exceeded");
        case "slow":
          slowCallStarted.countDown();
          sleep(500);
          slowCallFinished.set(true);
          out.onNext(SendMessageResponse.getDefaultInstance());
          out.onCompleted();
          return;
        default:
          out.onNext(SendMessageResponse.getDefaultInstance());
          out.onCompleted();
      }
    }

    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> out) {
      throw new NotFoundException("CONVERSATION_NOT_FOUND", "conversation not found");
    }

    @Override
    public void getConversations(GetConversationsRequest request, StreamObserver<GetConversationsResponse> out) {
      out.onNext(GetConversationsResponse.getDefaultInstance());
      out.onCompleted();
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private final FailingChatService chat = new FailingChatService();
  private final AtomicBoolean resourceClosed = new AtomicBoolean();
  private GrpcServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    server = GrpcServer.builder("test-service", 0)
        .host("127.0.0.1")
        .addService(chat)
        .closeOnStop(() -> resourceClosed.set(true))
        .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  private StatusRuntimeException send(String content) {
    ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel);
    SendMessageRequest request = SendMessageRequest.newBuilder().setContent(content).build();
    return org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> stub.sendMessage(request));
  }

  @Test
  void invalidArgumentExceptionBecomesInvalidArgumentNamingTheField() {
    StatusRuntimeException e = send("invalid");

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("conversation_id: must be a UUID");
  }

  @Test
  void domainExceptionPassedToOnErrorIsMappedToo() {
    StatusRuntimeException e = send("on-error");

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription()).isEqualTo("not a participant");
  }

  @Test
  void resourceExhaustedWithARetryDelayCarriesRetryInfoInTheStatusDetails() {
    StatusRuntimeException thrown = send("limited");
    StatusRuntimeException passedToOnError = send("limited-on-error");

    assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(thrown.getStatus().getDescription()).isEqualTo("too many messages");
    com.google.rpc.Status details = StatusProto.fromThrowable(thrown);
    assertThat(details).isNotNull();
    assertThat(details.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
    assertThat(details.getMessage()).isEqualTo("too many messages");
    // The RetryInfo, then the ErrorInfo every error carries.
    assertThat(details.getDetailsList()).hasSize(2);
    RetryInfo retryInfo = unpack(details.getDetails(0));
    assertThat(retryInfo.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retryInfo.getRetryDelay().getNanos()).isEqualTo(500_000_000);
    assertThat(RetryDelay.of(passedToOnError)).contains(Duration.ofSeconds(600));
  }

  @Test
  void resourceExhaustedWithoutARetryDelayHasNoRetryInfo() {
    StatusRuntimeException e = send("limited-no-delay");

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // Only the ErrorInfo every error carries.
    assertThat(StatusProto.fromThrowable(e).getDetailsList()).singleElement()
        .satisfies(detail -> assertThat(detail.is(ErrorInfo.class)).isTrue());
    assertThat(RetryDelay.of(e)).isEmpty();
  }

  @Test
  void aClientReadsTheReasonAndTheFieldViolationOfAnInvalidArgument() {
    StatusRuntimeException e = send("invalid");

    assertThat(ErrorDetails.errorInfo(e)).hasValueSatisfying(info -> {
      assertThat(info.getReason()).isEqualTo("INVALID_ID");
      assertThat(info.getDomain()).isEqualTo("whatsapp-clone");
    });
    assertThat(ErrorDetails.badRequest(e).orElseThrow().getFieldViolationsList()).singleElement()
        .satisfies(violation -> {
          assertThat(violation.getField()).isEqualTo("conversation_id");
          assertThat(violation.getDescription()).isEqualTo("must be a UUID");
        });
    assertThat(StatusProto.fromThrowable(e).getMessage()).isEqualTo("conversation_id: must be a UUID");
  }

  @Test
  void everyFailureCarriesAReasonPassedToOnErrorOrNotMappedFromADomainError() {
    assertThat(ErrorDetails.reason(send("on-error"))).isEqualTo("NOT_A_PARTICIPANT");
    assertThat(ErrorDetails.reason(send("limited-on-error"))).isEqualTo("OTP_RATE_LIMITED");
    assertThat(ErrorDetails.reason(send("db-down"))).isEqualTo("DATABASE_UNAVAILABLE");
    assertThat(ErrorDetails.reason(send("bug"))).isEqualTo("INTERNAL");
  }

  private static RetryInfo unpack(com.google.protobuf.Any detail) {
    try {
      return detail.unpack(RetryInfo.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void databaseConnectionFailureBecomesUnavailable() {
    assertThat(send("db-down").getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void unexpectedExceptionBecomesInternalWithoutLeakingItsMessage() {
    StatusRuntimeException e = send("bug");

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription()).startsWith("internal error (reference ")
        .doesNotContain("SELECT").doesNotContain("tok-secret");
  }

  @Test
  void notFoundExceptionBecomesNotFound() {
    ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel);

    assertThatThrownBy(() -> stub.listMessages(ListMessagesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void healthReportsServingOverallAndPerService() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(health.check(HealthCheckRequest.newBuilder().setService("chat.ChatService").build()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void reflectionListsTheApplicationServiceHealthAndReflection() throws InterruptedException {
    LinkedBlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override public void onNext(ServerReflectionResponse value) { responses.add(value); }
          @Override public void onError(Throwable t) { }
          @Override public void onCompleted() { }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());

    ServerReflectionResponse response = responses.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();

    assertThat(response).isNotNull();
    List<String> names = response.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName).collect(Collectors.toList());
    assertThat(names).contains("chat.ChatService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
  }

  @Test
  void stopDrainsInFlightCallThenClosesResources() throws InterruptedException {
    ChatServiceGrpc.ChatServiceFutureStub stub = ChatServiceGrpc.newFutureStub(channel);
    var inFlight = stub.sendMessage(SendMessageRequest.newBuilder().setContent("slow").build());
    assertThat(chat.slowCallStarted.await(10, TimeUnit.SECONDS)).isTrue();

    server.stop();

    assertThat(chat.slowCallFinished).isTrue();
    assertThat(resourceClosed).isTrue();
    assertThat(inFlight).succeedsWithin(Duration.ofSeconds(5));
  }
}
