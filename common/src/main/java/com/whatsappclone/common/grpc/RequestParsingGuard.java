package com.whatsappclone.common.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a service parse its own requests, so that bytes that are not a valid request message get
 * {@code INVALID_ARGUMENT} naming the problem, one rate-limited log line and no handler call.
 *
 * <p>Left to grpc-java, the request marshaller's parse exception escapes {@code ServerImpl}'s
 * message delivery: the client gets {@code UNKNOWN "Application error processing RPC"} and the
 * log a SEVERE stack trace for every such request. So, as
 * {@code ServerInterceptors.useInputStreamMessages} does, each method is registered taking the
 * raw message stream, and {@link ParsingListener} parses it with the method's own marshaller,
 * where a failure can be answered.
 *
 * <p>Applied outside the service's interceptors: they see the typed method and parsed messages as
 * before, and have already run (a call without a valid token is refused before its body is read).
 * Schema descriptors are kept, so server reflection still describes the service.
 */
final class RequestParsingGuard {

  /** Hands the message stream over unread; {@link ParsingListener} parses it within onMessage. */
  private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  };

  private RequestParsingGuard() {}

  static ServerServiceDefinition guard(ServerServiceDefinition service, MalformedRequestLog log) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<InputStream, ?> guarded = guard(method, log);
      descriptor.addMethod(guarded.getMethodDescriptor());
      methods.add(guarded);
    }
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(guarded::addMethod);
    return guarded.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<InputStream, RespT> guard(
      ServerMethodDefinition<ReqT, RespT> definition, MalformedRequestLog log) {
    MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, RespT> raw = method.toBuilder(RAW, method.getResponseMarshaller()).build();
    ServerCallHandler<ReqT, RespT> handler = definition.getServerCallHandler();
    String requestType = MalformedRequestLog.requestTypeOf(method);
    return ServerMethodDefinition.create(raw, (call, headers) -> {
      GuardedCall<ReqT, RespT> guarded = new GuardedCall<>(call, method);
      return new ParsingListener<>(handler.startCall(guarded, headers), guarded, requestType, log);
    });
  }
}
