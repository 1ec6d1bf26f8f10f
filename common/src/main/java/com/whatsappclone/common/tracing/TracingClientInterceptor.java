package com.whatsappclone.common.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.context.Context;

/**
 * Sends the current trace on with each call made (the gateway's forwarded calls): the backend's
 * span becomes a child of the span this service is in, and a client's own {@code traceparent},
 * copied with its other metadata, is replaced rather than sent twice.
 */
public final class TracingClientInterceptor implements ClientInterceptor {

  private final Tracing tracing;

  public TracingClientInterceptor(Tracing tracing) {
    this.tracing = tracing;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        GrpcTraceHeaders.discard(headers);
        tracing.inject(Context.current(), headers, GrpcTraceHeaders.SETTER);
        super.start(listener, headers);
      }
    };
  }
}
