package com.whatsappclone.gateway;

import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.ServerCallHandler;

/**
 * Makes the handler of every forwarded method, including methods that are looked up on the fly.
 * The gateway's interceptors (client address, edge authentication, limits, error mapping) are put
 * around them by the server, {@code GrpcServer}'s fallback registry.
 */
final class ForwardingHandlers {

  private final ClientAddressSignature clientAddress;

  ForwardingHandlers(ClientAddressSignature clientAddress) {
    this.clientAddress = clientAddress;
  }

  ServerCallHandler<byte[], byte[]> forwardingTo(Backend backend, String serviceName) {
    return new ForwardingHandler(backend, serviceName, clientAddress);
  }
}
