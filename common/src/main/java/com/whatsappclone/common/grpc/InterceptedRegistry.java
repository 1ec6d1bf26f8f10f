package com.whatsappclone.common.grpc;

import io.grpc.HandlerRegistry;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.List;

/**
 * A fallback registry whose methods run through the server's interceptors. Methods looked up at
 * call time never pass through {@code ServerInterceptors.intercept}, so each one found is wrapped
 * here, in the same order.
 */
final class InterceptedRegistry extends HandlerRegistry {

  private final HandlerRegistry registry;
  /** In {@code ServerInterceptors.intercept} order: the last one runs first. */
  private final List<ServerInterceptor> chain;

  InterceptedRegistry(HandlerRegistry registry, List<ServerInterceptor> chain) {
    this.registry = registry;
    this.chain = chain;
  }

  /** The registry's own services, for reflection. */
  @Override
  public List<ServerServiceDefinition> getServices() {
    return registry.getServices();
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    ServerMethodDefinition<?, ?> method = registry.lookupMethod(methodName, authority);
    return method == null ? null : intercepted(method);
  }

  private <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> intercepted(ServerMethodDefinition<ReqT, RespT> method) {
    ServerCallHandler<ReqT, RespT> handler = method.getServerCallHandler();
    for (ServerInterceptor interceptor : chain) {
      handler = wrap(interceptor, handler);
    }
    return method.withServerCallHandler(handler);
  }

  private static <ReqT, RespT> ServerCallHandler<ReqT, RespT> wrap(
      ServerInterceptor interceptor, ServerCallHandler<ReqT, RespT> next) {
    return (call, headers) -> interceptor.interceptCall(call, headers, next);
  }
}
