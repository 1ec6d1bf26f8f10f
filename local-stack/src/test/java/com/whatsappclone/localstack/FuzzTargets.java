package com.whatsappclone.localstack;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.whatsappclone.proto.auth.AuthProto;
import com.whatsappclone.proto.chat.ChatProto;
import com.whatsappclone.proto.realtime.RealtimeProto;
import com.whatsappclone.proto.status.StatusProto;
import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What there is to fuzz: the services of the project's protos, their RPCs from the generated
 * descriptors, and what a running server says it serves (to catch a service the list misses).
 */
final class FuzzTargets {

  private static final List<FileDescriptor> PROTOS = List.of(
      AuthProto.getDescriptor(), ChatProto.getDescriptor(), RealtimeProto.getDescriptor(), StatusProto.getDescriptor());

  private FuzzTargets() {}

  static List<ServiceDescriptor> services() {
    return PROTOS.stream().flatMap(file -> file.getServices().stream()).toList();
  }

  /** Unary (and server-streaming) RPCs: one request message each. */
  static List<MethodDescriptor> oneRequestMethods() {
    return services().stream().flatMap(s -> s.getMethods().stream()).filter(m -> !m.isClientStreaming()).toList();
  }

  static List<MethodDescriptor> streamingMethods() {
    return services().stream().flatMap(s -> s.getMethods().stream()).filter(MethodDescriptor::isClientStreaming).toList();
  }

  /** As gRPC names it: {@code auth.AuthService/GetMe}. */
  static String fullMethodName(MethodDescriptor method) {
    return io.grpc.MethodDescriptor.generateFullMethodName(method.getService().getFullName(), method.getName());
  }

  /** The application services a server lists in its reflection (not gRPC's own). */
  static List<String> servicesListedBy(Channel channel) throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override public void onNext(ServerReflectionResponse response) { answer.complete(response); }
          @Override public void onError(Throwable error) { answer.completeExceptionally(error); }
          @Override public void onCompleted() { }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return response.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName)
        .filter(name -> !name.startsWith("grpc.")).toList();
  }
}
