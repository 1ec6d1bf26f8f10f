package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.grpc.GrpcServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Postman and grpcurl discover every backend service through the gateway's reflection alone. */
class ReflectionTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestStack stack = TestStack.shared();

  @Test
  void reflectionListsEveryBackendServiceAndTheGatewaysOwn() throws Exception {
    List<String> services = listServices(stack.channel);

    assertThat(services).contains("auth.AuthService", "chat.ChatService", "proto.RealtimeService",
        "status.StatusService", FakeServices.Ticker.SERVICE, "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection");
  }

  @Test
  @SuppressWarnings("deprecation")
  void legacyReflectionListsEveryBackendServiceToo() throws Exception {
    StreamRecorder<io.grpc.reflection.v1alpha.ServerReflectionRequest, io.grpc.reflection.v1alpha.ServerReflectionResponse>
        recorder = new StreamRecorder<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(stack.channel).serverReflectionInfo(recorder);
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("*").build());

    List<String> services = new ArrayList<>();
    recorder.next(WAIT).getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
    requests.onCompleted();

    assertThat(services).contains("auth.AuthService", "chat.ChatService", "proto.RealtimeService",
        "status.StatusService", FakeServices.Ticker.SERVICE);
  }

  @Test
  void fileContainingAServiceHasItsFullDescriptor() throws Exception {
    Map<String, FileDescriptorProto> files = fileContaining(stack.channel, "chat.ChatService");

    FileDescriptorProto chat = files.values().stream()
        .filter(f -> f.getServiceList().stream().anyMatch(s -> s.getName().equals("ChatService")))
        .findFirst().orElseThrow();
    assertThat(chat.getPackage()).isEqualTo("chat");
    assertThat(chat.getService(0).getMethodList()).extracting(MethodDescriptorProto::getName)
        .contains("CreateConversation", "SendMessage", "ListMessages", "GetConversations");
    assertThat(chat.getMessageTypeList()).extracting(m -> m.getName()).contains("SendMessageRequest", "Message");
  }

  @Test
  void discoveredServiceComesWithTheFilesItImports() throws Exception {
    Map<String, FileDescriptorProto> files = fileContaining(stack.channel, FakeServices.Ticker.SERVICE);

    assertThat(files).containsKeys("gatewaytest/ticker.proto", com.whatsappclone.proto.realtime.RealtimeProto
        .getDescriptor().getName());
    MethodDescriptorProto count = files.get("gatewaytest/ticker.proto").getService(0).getMethod(0);
    assertThat(count.getName()).isEqualTo("Count");
    assertThat(count.getServerStreaming()).isTrue();
  }

  @Test
  void messageTypeSymbolResolvesToItsFile() throws Exception {
    Map<String, FileDescriptorProto> files = fileContaining(stack.channel, "proto.ClientEvent");

    assertThat(files.values()).anySatisfy(f -> {
      assertThat(f.getPackage()).isEqualTo("proto");
      assertThat(f.getMessageTypeList()).extracting(m -> m.getName()).contains("ClientEvent", "ServerEvent");
    });
  }

  @Test
  void backendDownAtStartUpIsStillListedFromTheCompiledInDescriptors() throws Exception {
    GrpcServer gateway = stack.startGateway(Map.of("REALTIME_SERVICE_ADDR", "127.0.0.1:" + closedPort()),
        Clock.systemUTC());
    ManagedChannel channel = TestStack.channelTo(gateway);
    try {
      assertThat(listServices(channel)).contains("proto.RealtimeService", "chat.ChatService");
      Map<String, FileDescriptorProto> files = fileContaining(channel, "proto.RealtimeService");
      assertThat(files.values()).anySatisfy(f -> assertThat(f.getServiceList())
          .anySatisfy(s -> assertThat(s.getMethodList()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("Connect");
            assertThat(m.getClientStreaming()).isTrue();
            assertThat(m.getServerStreaming()).isTrue();
          })));

      StreamRecorder<com.whatsappclone.proto.realtime.ClientEvent, com.whatsappclone.proto.realtime.ServerEvent>
          recorder = new StreamRecorder<>();
      com.whatsappclone.proto.realtime.RealtimeServiceGrpc.newStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId())))
          .connect(recorder);
      Status end = recorder.awaitEnd(WAIT);
      assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(end.getDescription()).isEqualTo("proto.RealtimeService is unavailable, try again later");
    } finally {
      TestStack.close(channel);
      gateway.stop();
    }
  }

  static List<String> listServices(ManagedChannel channel) throws Exception {
    ServerReflectionResponse response = ask(channel, ServerReflectionRequest.newBuilder().setListServices("*").build());
    List<String> names = new ArrayList<>();
    for (ServiceResponse service : response.getListServicesResponse().getServiceList()) {
      names.add(service.getName());
    }
    return names;
  }

  static Map<String, FileDescriptorProto> fileContaining(ManagedChannel channel, String symbol) throws Exception {
    ServerReflectionResponse response = ask(channel,
        ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    if (response.hasErrorResponse()) {
      throw new AssertionError(symbol + ": " + response.getErrorResponse().getErrorMessage());
    }
    Map<String, FileDescriptorProto> files = new java.util.LinkedHashMap<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto file = parse(bytes);
      files.put(file.getName(), file);
    }
    return files;
  }

  private static ServerReflectionResponse ask(ManagedChannel channel, ServerReflectionRequest request) throws Exception {
    StreamRecorder<ServerReflectionRequest, ServerReflectionResponse> recorder = new StreamRecorder<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(recorder);
    requests.onNext(request);
    ServerReflectionResponse response = recorder.next(WAIT);
    requests.onCompleted();
    Status end = recorder.awaitEnd(WAIT);
    if (!end.isOk()) {
      throw new StatusRuntimeException(end);
    }
    return response;
  }

  private static FileDescriptorProto parse(ByteString bytes) {
    try {
      return FileDescriptorProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** A port nothing listens on (bound and released). */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
