package com.whatsappclone.gateway;

import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;

/**
 * Forwards any call, whatever its method and streaming shape, to one backend under the same full
 * method name. The client's deadline becomes the backend call's deadline (grpc-java sends the time
 * that is left, so the backend sees the same moment the client gives up).
 */
final class ForwardingHandler implements ServerCallHandler<byte[], byte[]> {

  private final Backend backend;
  private final String serviceName;
  private final ClientAddressSignature clientAddress;

  ForwardingHandler(Backend backend, String serviceName, ClientAddressSignature clientAddress) {
    this.backend = backend;
    this.serviceName = serviceName;
    this.clientAddress = clientAddress;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> serverCall, Metadata headers) {
    CallOptions options = CallOptions.DEFAULT;
    Deadline deadline = Context.current().getDeadline();
    if (deadline != null) {
      options = options.withDeadline(deadline);
    }
    backend.reconnectIfFailing();
    // Not bound to this call's Context: grpc-java cancels that context as soon as the client's
    // call is cancelled, before ForwardedCall hears onCancel, so the backend call would close
    // first and ForwardedCall would answer a client call that is already over (see there why that
    // must not happen). ForwardedCall cancels the backend call from onCancel instead.
    ClientCall<byte[], byte[]> backendCall;
    Context previous = Context.ROOT.attach();
    try {
      backendCall = backend.channel().newCall(serverCall.getMethodDescriptor(), options);
    } finally {
      Context.ROOT.detach(previous);
    }
    ForwardedCall forwarded = new ForwardedCall(serverCall, backendCall, serviceName);
    Metadata outgoing = ForwardedMetadata.request(headers, ForwardedForInterceptor.FORWARDED_FOR.get());
    // The client's address as decided here, signed so that backends (auth's per-IP limit) believe
    // only the gateway; bound to the request id just set.
    clientAddress.attach(outgoing, ForwardedForInterceptor.CLIENT_IP.get());
    backendCall.start(forwarded.backendListener(), outgoing);
    // One message in flight each way; ForwardedCall asks for more as the other side drains.
    backendCall.request(1);
    serverCall.request(1);
    return forwarded.clientListener();
  }
}
