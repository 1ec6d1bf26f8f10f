package com.whatsappclone.gateway;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.SendOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.GetConversationsResponse;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.Pong;
import com.whatsappclone.proto.realtime.RealtimeProto;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.CreateStatusResponse;
import com.whatsappclone.proto.status.StatusServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/** Small stand-ins for the real backends: they answer in ways the tests can recognise. */
final class FakeServices {

  /** Bytes of padding in each "large" streamed message: big enough to fill flow-control windows fast. */
  static final int LARGE_PAYLOAD = 32 * 1024;

  private FakeServices() {}

  static final class Auth extends AuthServiceGrpc.AuthServiceImplBase {
    @Override
    public void sendOTP(SendOTPRequest request, StreamObserver<SendOTPResponse> out) {
      out.onNext(SendOTPResponse.newBuilder().setMessage("sent to " + request.getPhoneNumber()).build());
      out.onCompleted();
    }
  }

  /**
   * SendMessage echoes the content; the content "not-found" fails with NOT_FOUND,
   * "failed-precondition" with FAILED_PRECONDITION and "hang" never answers (the call stays open
   * until the client gives up).
   */
  static final class Chat extends ChatServiceGrpc.ChatServiceImplBase {
    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> out) {
      switch (request.getContent()) {
        case "not-found":
          throw new NotFoundException("CONVERSATION_NOT_FOUND", "conversation not found");
        case "failed-precondition":
          // Through the observer (not thrown), so that the call's own close adds the echo trailers.
          out.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription("not now").asRuntimeException());
          return;
        case "rate-limited":
          // What chat answers a flooding sender: the status details must cross the gateway.
          throw new ResourceExhaustedException("RATE_LIMITED", "sending too fast", Duration.ofMillis(750));
        case "hang":
          return;
        default:
          out.onNext(SendMessageResponse.newBuilder().setMessage(Message.newBuilder()
              .setConversationId(request.getConversationId())
              .setContent("echo:" + request.getContent())).build());
          out.onCompleted();
      }
    }

    @Override
    public void getConversations(GetConversationsRequest request, StreamObserver<GetConversationsResponse> out) {
      out.onNext(GetConversationsResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /**
   * Connect answers each ping with a pong and ends when the client does. In mode "no-read" it
   * reads nothing until the test asks (through {@link Observations.Observed#stream}) and counts what
   * arrives.
   */
  static final class Realtime extends RealtimeServiceGrpc.RealtimeServiceImplBase {
    @Override
    public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> out) {
      ServerCallStreamObserver<ServerEvent> stream = (ServerCallStreamObserver<ServerEvent>) out;
      Observations.Observed observed = Observations.Observed.current().orElse(null);
      boolean noRead = observed != null && observed.mode().equals("no-read");
      if (noRead) {
        stream.disableAutoRequest();
        observed.stream = stream;
      }
      return new StreamObserver<>() {
        @Override
        public void onNext(ClientEvent event) {
          if (observed != null) {
            observed.received.incrementAndGet();
          }
          if (event.hasPing()) {
            out.onNext(ServerEvent.newBuilder()
                .setPong(Pong.newBuilder().setTimestamp(event.getPing().getTimestamp())).build());
          }
        }

        @Override
        public void onError(Throwable error) {
          // The client went away; nothing to clean up in a fake.
        }

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  static final class Status extends StatusServiceGrpc.StatusServiceImplBase {
    @Override
    public void createStatus(CreateStatusRequest request, StreamObserver<CreateStatusResponse> out) {
      out.onNext(CreateStatusResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /**
   * {@code <package>.Ticker/Count}: a server-streaming RPC that exists in no .proto of the project.
   * It is built from a descriptor at run time and served by a fake backend, so the gateway can only
   * serve it by discovering it. Count(Ping{timestamp: n}) streams n messages numbered 0..n-1
   * (padded in mode "large"), only as fast as the receiver takes them.
   */
  static final class Ticker {
    /** The one the shared status backend serves. */
    static final Ticker DEFAULT = new Ticker("gatewaytest");
    static final String SERVICE = DEFAULT.service;
    static final MethodDescriptor<Ping, NewMessage> COUNT = DEFAULT.count;

    final String service;
    final FileDescriptor descriptor;
    final MethodDescriptor<Ping, NewMessage> count;

    Ticker(String packageName) {
      this.service = packageName + ".Ticker";
      this.descriptor = buildDescriptor(packageName);
      this.count = MethodDescriptor.<Ping, NewMessage>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Count"))
          .setRequestMarshaller(ProtoUtils.marshaller(Ping.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(NewMessage.getDefaultInstance()))
          .build();
    }

    static ServerServiceDefinition definition() {
      return DEFAULT.serviceDefinition();
    }

    ServerServiceDefinition serviceDefinition() {
      ServiceDescriptor grpcService = ServiceDescriptor.newBuilder(service)
          .setSchemaDescriptor((ProtoFileDescriptorSupplier) () -> descriptor)
          .addMethod(count)
          .build();
      return ServerServiceDefinition.builder(grpcService)
          .addMethod(count, ServerCalls.asyncServerStreamingCall(Ticker::count))
          .build();
    }

    private static void count(Ping request, StreamObserver<NewMessage> out) {
      ServerCallStreamObserver<NewMessage> stream = (ServerCallStreamObserver<NewMessage>) out;
      Observations.Observed observed = Observations.Observed.current().orElse(null);
      boolean large = observed != null && observed.mode().equals("large");
      String padding = large ? "x".repeat(LARGE_PAYLOAD) : "";
      long total = request.getTimestamp();
      int[] next = {0};
      boolean[] done = {false};
      // Runs on every onReady: sends while the transport takes more, exactly as flow control asks.
      stream.setOnReadyHandler(() -> {
        while (!done[0] && stream.isReady() && next[0] < total) {
          stream.onNext(NewMessage.newBuilder().setMessageId(Integer.toString(next[0])).setContent(padding).build());
          next[0]++;
          if (observed != null) {
            observed.sent.incrementAndGet();
          }
        }
        if (!done[0] && next[0] >= total) {
          done[0] = true;
          stream.onCompleted();
        }
      });
    }

    private static FileDescriptor buildDescriptor(String packageName) {
      FileDescriptor realtime = RealtimeProto.getDescriptor();
      FileDescriptorProto proto = FileDescriptorProto.newBuilder()
          .setName(packageName + "/ticker.proto")
          .setPackage(packageName)
          .setSyntax("proto3")
          .addDependency(realtime.getName())
          .addService(ServiceDescriptorProto.newBuilder().setName("Ticker")
              .addMethod(MethodDescriptorProto.newBuilder().setName("Count")
                  .setInputType(".proto.Ping").setOutputType(".proto.NewMessage").setServerStreaming(true)))
          .build();
      try {
        return FileDescriptor.buildFrom(proto, new FileDescriptor[] {realtime});
      } catch (DescriptorValidationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
