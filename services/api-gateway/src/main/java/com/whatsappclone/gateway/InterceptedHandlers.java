package com.whatsappclone.gateway;

import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;

/**
 * Wraps the forwarding handler in the gateway's interceptors (error mapping, client address, edge
 * authentication, limits), the same chain for every forwarded method, including methods that are
 * looked up on the fly and so never pass through {@code ServerInterceptors.intercept}.
 */
final class InterceptedHandlers {

  /** Outermost first. */
  private final List<ServerInterceptor> interceptors;
  private final ClientAddressSignature clientAddress;

  InterceptedHandlers(List<ServerInterceptor> interceptors, ClientAddressSignature clientAddress) {
    this.interceptors = List.copyOf(interceptors);
    this.clientAddress = clientAddress;
  }

  ServerCallHandler<byte[], byte[]> forwardingTo(Backend backend, String serviceName) {
    ServerCallHandler<byte[], byte[]> handler = new ForwardingHandler(backend, serviceName, clientAddress);
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      handler = wrap(interceptors.get(i), handler);
    }
    return handler;
  }

  private static ServerCallHandler<byte[], byte[]> wrap(ServerInterceptor interceptor, ServerCallHandler<byte[], byte[]> next) {
    return (call, headers) -> interceptor.interceptCall(call, headers, next);
  }
}
