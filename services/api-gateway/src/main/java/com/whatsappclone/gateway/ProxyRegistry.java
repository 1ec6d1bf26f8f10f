package com.whatsappclone.gateway;

import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The server's fallback registry: every method of a routed service, resolved against the current
 * {@link RouteTable}. Its {@link #getServices()} is what grpc-java's reflection service reads for
 * "mutable" services, so reflection on the gateway lists the backends' services with their full
 * descriptors and follows every refresh.
 *
 * <p>A method the table has no descriptor for, of a service it routes (a backend gained an RPC
 * since the last refresh), is forwarded anyway with an untyped byte-level definition, so it works
 * at once; the backend answers {@code UNIMPLEMENTED} if the method does not exist, and a refresh of
 * that backend's descriptors is requested so that reflection catches up.
 */
final class ProxyRegistry extends HandlerRegistry {

  private final ForwardingHandlers handlers;
  private volatile Consumer<Backend> onUnknownMethod = backend -> { };
  private volatile RouteTable table = RouteTable.empty();

  ProxyRegistry(ForwardingHandlers handlers) {
    this.handlers = handlers;
  }

  /** Told when a call names a method of a routed service that the table has no descriptor for. */
  void onUnknownMethod(Consumer<Backend> listener) {
    this.onUnknownMethod = listener;
  }

  RouteTable table() {
    return table;
  }

  void publish(RouteTable newTable) {
    this.table = newTable;
  }

  @Override
  public List<ServerServiceDefinition> getServices() {
    return table.services();
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    RouteTable current = table;
    Optional<ServerMethodDefinition<?, ?>> known = current.method(methodName);
    if (known.isPresent()) {
      return known.get();
    }
    String serviceName = MethodDescriptor.extractFullServiceName(methodName);
    if (serviceName == null) {
      return null;
    }
    Optional<Backend> backend = current.backendFor(serviceName);
    if (backend.isEmpty()) {
      return null;
    }
    onUnknownMethod.accept(backend.get());
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNKNOWN)
        .setFullMethodName(methodName)
        .setRequestMarshaller(ByteMarshaller.INSTANCE)
        .setResponseMarshaller(ByteMarshaller.INSTANCE)
        .build();
    return ServerMethodDefinition.create(method, handlers.forwardingTo(backend.get(), serviceName));
  }
}
