package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.PermissionDeniedException;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.GetConversationsResponse;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.ListMessagesResponse;
import io.grpc.ForwardingServerCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The interceptors a service adds run outside the error mapping, so they see what the client gets. */
class InterceptorOrderTest {

  /** Records the status each call closes with, as it passes this interceptor on its way out. */
  static final class StatusRecorder implements ServerInterceptor {
    final List<Status> closed = new CopyOnWriteArrayList<>();

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          closed.add(status);
          super.close(status, trailers);
        }
      }, headers);
    }
  }

  static final class ThrowingChat extends ChatServiceGrpc.ChatServiceImplBase {
    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> out) {
      throw new NotFoundException("CONVERSATION_NOT_FOUND", "conversation not found");
    }

    @Override
    public void getConversations(GetConversationsRequest request, StreamObserver<GetConversationsResponse> out) {
      out.onError(new PermissionDeniedException("NOT_A_PARTICIPANT", "not yours"));
    }
  }

  private GrpcServer server;
  private ManagedChannel channel;

  private ChatServiceGrpc.ChatServiceBlockingStub start(GrpcServer.Builder builder) {
    server = builder.host("127.0.0.1").start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    return ChatServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void anAddedInterceptorSeesTheMappedStatusOfADomainExceptionTheHandlerThrew() {
    StatusRecorder outer = new StatusRecorder();
    StatusRecorder inner = new StatusRecorder();
    ChatServiceGrpc.ChatServiceBlockingStub chat = start(GrpcServer.builder("order-test", 0)
        .intercept(outer).intercept(inner).addService(new ThrowingChat()));

    StatusRuntimeException thrown = assertThrows(StatusRuntimeException.class,
        () -> chat.listMessages(ListMessagesRequest.getDefaultInstance()));
    StatusRuntimeException passed = assertThrows(StatusRuntimeException.class,
        () -> chat.getConversations(GetConversationsRequest.getDefaultInstance()));

    assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(passed.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    for (StatusRecorder recorder : List.of(outer, inner)) {
      assertThat(recorder.closed).extracting(Status::getCode, Status::getDescription).containsExactly(
          org.assertj.core.groups.Tuple.tuple(Status.Code.NOT_FOUND, "conversation not found"),
          org.assertj.core.groups.Tuple.tuple(Status.Code.PERMISSION_DENIED, "not yours"));
    }
  }

  @Test
  void methodsOfTheFallbackRegistryRunThroughTheSameInterceptors() {
    ServerMethodDefinition<ListMessagesRequest, ListMessagesResponse> forwarded = ServerMethodDefinition.create(
        ChatServiceGrpc.getListMessagesMethod(), ServerCalls.asyncUnaryCall((request, out) -> {
          throw new NotFoundException("ROUTE_NOT_FOUND", "no such route");
        }));
    HandlerRegistry fallback = new HandlerRegistry() {
      @Override
      public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
        return methodName.equals(forwarded.getMethodDescriptor().getFullMethodName()) ? forwarded : null;
      }
    };
    StatusRecorder recorder = new StatusRecorder();
    ChatServiceGrpc.ChatServiceBlockingStub chat = start(GrpcServer.builder("fallback-test", 0)
        .intercept(recorder).fallback(fallback));

    StatusRuntimeException thrown = assertThrows(StatusRuntimeException.class,
        () -> chat.listMessages(ListMessagesRequest.getDefaultInstance()));
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> chat.getConversations(GetConversationsRequest.getDefaultInstance()));

    assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(thrown.getStatus().getDescription()).isEqualTo("no such route");
    assertThat(recorder.closed).extracting(Status::getCode).containsExactly(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }
}
