package com.whatsappclone.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;

/**
 * Installed on the fake backends: records every call carrying {@code x-test-id} (its headers, its
 * deadline, whether it was cancelled) and, when asked by {@code x-test-echo}, answers with a
 * response header and trailers of its own so tests can see metadata come back.
 */
final class RecordingInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> ECHO = Metadata.Key.of("x-test-echo", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> ECHO_HEADER = Metadata.Key.of("x-echo-header", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> ECHO_TRAILER = Metadata.Key.of("x-echo-trailer", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> ECHO_TRAILER_BIN = Metadata.Key.of("x-echo-trailer-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private final Observations observations;

  RecordingInterceptor(Observations observations) {
    this.observations = observations;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String testId = headers.get(Observations.TEST_ID);
    if (testId == null) {
      return next.startCall(call, headers);
    }
    Observations.Observed observed = observations.start(
        testId, call.getMethodDescriptor().getFullMethodName(), headers, Context.current().getDeadline());
    String echo = headers.get(ECHO);
    ServerCall<ReqT, RespT> answering = echo == null ? call : new EchoingCall<>(call, echo);
    Context context = Context.current().withValue(Observations.CURRENT, observed);
    ServerCall.Listener<ReqT> listener = Contexts.interceptCall(context, answering, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        observed.cancelled.countDown();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        observed.completed.countDown();
        super.onComplete();
      }
    };
  }

  private static final class EchoingCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final String echo;

    EchoingCall(ServerCall<ReqT, RespT> delegate, String echo) {
      super(delegate);
      this.echo = echo;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      headers.put(ECHO_HEADER, "header:" + echo);
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      trailers.put(ECHO_TRAILER, "trailer:" + echo);
      trailers.put(ECHO_TRAILER_BIN, echo.getBytes(StandardCharsets.UTF_8));
      super.close(status, trailers);
    }
  }
}
