package com.whatsappclone.gateway;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable snapshot of what the gateway serves: which backend serves each service, the
 * forwarding definitions of the methods whose descriptors are known (also what reflection lists),
 * and the descriptor files they came from (to tell whether a refresh changed anything).
 */
final class RouteTable {

  private final Map<String, Backend> backendByService;
  private final Map<String, ServerMethodDefinition<?, ?>> methods;
  private final List<ServerServiceDefinition> services;
  private final Map<String, FileDescriptorProto> files;

  RouteTable(Map<String, Backend> backendByService, Map<String, ServerMethodDefinition<?, ?>> methods,
      List<ServerServiceDefinition> services, Map<String, FileDescriptorProto> files) {
    this.backendByService = Map.copyOf(backendByService);
    this.methods = Map.copyOf(methods);
    this.services = List.copyOf(services);
    this.files = Map.copyOf(files);
  }

  static RouteTable empty() {
    return new RouteTable(Map.of(), Map.of(), List.of(), Map.of());
  }

  Optional<Backend> backendFor(String serviceName) {
    return Optional.ofNullable(backendByService.get(serviceName));
  }

  Optional<ServerMethodDefinition<?, ?>> method(String fullMethodName) {
    return Optional.ofNullable(methods.get(fullMethodName));
  }

  /** service name → backend, for health and for change detection. */
  Map<String, Backend> backendByService() {
    return backendByService;
  }

  /** The services with known descriptors, each with its proto schema: reflection serves these. */
  List<ServerServiceDefinition> services() {
    return services;
  }

  /** True when a table built from new discoveries would serve exactly what this one serves. */
  boolean sameAs(Map<String, Backend> otherRoutes, Map<String, FileDescriptorProto> otherFiles) {
    return backendByService.equals(otherRoutes) && files.equals(otherFiles);
  }
}
