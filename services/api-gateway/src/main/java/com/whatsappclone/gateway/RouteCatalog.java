package com.whatsappclone.gateway;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link RouteTable} from what each backend's reflection said (or, for a backend that
 * could not be asked, from the descriptors compiled into whatsapp-proto).
 *
 * <p>Routing: each backend's known service goes to it, whatever happens; every other service a
 * backend lists goes to it unless an earlier backend (in the order AUTH, CHAT, REALTIME, STATUS)
 * already serves that name. gRPC's own services ({@code grpc.*}) are never routed.
 *
 * <p>Descriptors: files are merged by name, discovered files first, compiled-in files only fill
 * gaps. A service is listed by the gateway's reflection only if its files build and declare no
 * symbol that another listed file declares too: grpc-java's reflection index refuses such a set
 * altogether, which would take discovery down for every service.
 */
final class RouteCatalog {

  private static final Logger log = LoggerFactory.getLogger(RouteCatalog.class);

  private final List<Backend> backends;
  private final ForwardingHandlers handlers;

  /**
   * Services of gRPC itself ({@code grpc.*}): health and reflection, which the gateway answers for
   * itself, and admin services a backend may add (channelz, CSDS, binary log), which describe one
   * backend's internals and are not for clients. None is taken from a backend or forwarded.
   */
  static boolean isInfrastructure(String serviceName) {
    return serviceName.startsWith("grpc.");
  }

  RouteCatalog(List<Backend> backends, ForwardingHandlers handlers) {
    this.backends = List.copyOf(backends);
    this.handlers = handlers;
  }

  /**
   * @param discovered per backend, what its reflection answered; absent for a backend that did not
   * @param current the table in use, returned as it is when nothing changed (reflection keeps its index)
   */
  RouteTable build(Map<Backend, Discovered> discovered, RouteTable current) {
    Map<String, Backend> routes = routes(discovered);
    Map<String, FileDescriptorProto> files = files(discovered);
    if (current.sameAs(routes, files)) {
      return current;
    }
    DescriptorPool pool = new DescriptorPool(files);
    Map<String, ServiceDescriptor> declared = declaredServices(files, pool);
    SymbolIndex symbols = new SymbolIndex();
    Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
    List<ServerServiceDefinition> services = new ArrayList<>();
    routes.forEach((serviceName, backend) -> {
      ServiceDescriptor service = declared.get(serviceName);
      if (service == null) {
        log.warn("no descriptor for {} (served by {}): it is forwarded but not listed by reflection",
            serviceName, backend);
        return;
      }
      if (!symbols.addAllOf(service.getFile())) {
        log.warn("{} (served by {}) declares symbols another service's files declare too: it is"
            + " forwarded but not listed by reflection", serviceName, backend);
        return;
      }
      ServerServiceDefinition definition = definition(service, backend);
      services.add(definition);
      definition.getMethods().forEach(m -> methods.put(m.getMethodDescriptor().getFullMethodName(), m));
    });
    return new RouteTable(routes, methods, services, files);
  }

  private Map<String, Backend> routes(Map<Backend, Discovered> discovered) {
    Map<String, Backend> routes = new LinkedHashMap<>();
    for (Backend backend : backends) {
      routes.put(backend.config().knownService(), backend);
    }
    for (Backend backend : backends) {
      Discovered found = discovered.get(backend);
      if (found == null) {
        continue;
      }
      for (String service : found.services()) {
        if (RouteCatalog.isInfrastructure(service)) {
          continue;
        }
        Backend owner = routes.putIfAbsent(service, backend);
        if (owner != null && owner != backend) {
          log.warn("{} is served by both {} and {}; calls go to {}", service, owner, backend, owner);
        }
      }
    }
    return routes;
  }

  private Map<String, FileDescriptorProto> files(Map<Backend, Discovered> discovered) {
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    for (Backend backend : backends) {
      Discovered found = discovered.get(backend);
      if (found != null) {
        found.files().forEach((name, proto) -> {
          FileDescriptorProto earlier = files.putIfAbsent(name, proto);
          if (earlier != null && !earlier.equals(proto)) {
            log.warn("{} sends a different {} than another backend; the first one is used", backend, name);
          }
        });
      }
    }
    for (Backend backend : backends) {
      Discovered found = discovered.get(backend);
      if (found == null || !found.services().contains(backend.config().knownService())) {
        log.debug("{}: using the compiled-in descriptors of {} until its reflection answers", backend,
            backend.config().knownService());
        DescriptorPool.protosOf(backend.config().compiledIn()).forEach(files::putIfAbsent);
      }
    }
    return files;
  }

  private static Map<String, ServiceDescriptor> declaredServices(Map<String, FileDescriptorProto> files, DescriptorPool pool) {
    Map<String, ServiceDescriptor> declared = new HashMap<>();
    for (String name : files.keySet()) {
      Optional<FileDescriptor> file = pool.file(name);
      file.ifPresent(f -> f.getServices().forEach(s -> declared.putIfAbsent(s.getFullName(), s)));
    }
    return declared;
  }

  private ServerServiceDefinition definition(ServiceDescriptor service, Backend backend) {
    io.grpc.ServiceDescriptor.Builder descriptor = io.grpc.ServiceDescriptor.newBuilder(service.getFullName())
        .setSchemaDescriptor(new Schema(service, null));
    List<io.grpc.MethodDescriptor<byte[], byte[]>> grpcMethods = new ArrayList<>();
    for (MethodDescriptor method : service.getMethods()) {
      io.grpc.MethodDescriptor<byte[], byte[]> grpcMethod = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(typeOf(method))
          .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service.getFullName(), method.getName()))
          .setRequestMarshaller(ByteMarshaller.INSTANCE)
          .setResponseMarshaller(ByteMarshaller.INSTANCE)
          .setSchemaDescriptor(new Schema(service, method))
          .build();
      grpcMethods.add(grpcMethod);
      descriptor.addMethod(grpcMethod);
    }
    ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
    for (io.grpc.MethodDescriptor<byte[], byte[]> grpcMethod : grpcMethods) {
      definition.addMethod(grpcMethod, handlers.forwardingTo(backend, service.getFullName()));
    }
    return definition.build();
  }

  private static io.grpc.MethodDescriptor.MethodType typeOf(MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING
          : io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming() ? io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING
        : io.grpc.MethodDescriptor.MethodType.UNARY;
  }

  /** What reflection reads to find a service's descriptor file. */
  private static final class Schema implements ProtoMethodDescriptorSupplier {
    private final ServiceDescriptor service;
    private final MethodDescriptor method;

    Schema(ServiceDescriptor service, MethodDescriptor method) {
      this.service = service;
      this.method = method;
    }

    @Override
    public FileDescriptor getFileDescriptor() {
      return service.getFile();
    }

    @Override
    public ServiceDescriptor getServiceDescriptor() {
      return service;
    }

    @Override
    public MethodDescriptor getMethodDescriptor() {
      return method;
    }
  }

  /**
   * The symbols of the files accepted so far, checked the way grpc-java's reflection index checks
   * them: per file name, a file seen before is skipped; a new file must not redeclare a symbol.
   */
  private static final class SymbolIndex {
    private final Map<String, FileDescriptor> filesByName = new HashMap<>();
    private final Map<String, String> fileBySymbol = new HashMap<>();

    /** Adds the file and its imports, all or nothing. */
    boolean addAllOf(FileDescriptor root) {
      Map<String, FileDescriptor> newFiles = new LinkedHashMap<>();
      Deque<FileDescriptor> queue = new ArrayDeque<>(List.of(root));
      while (!queue.isEmpty()) {
        FileDescriptor file = queue.remove();
        if (filesByName.containsKey(file.getName()) || newFiles.containsKey(file.getName())) {
          continue;
        }
        newFiles.put(file.getName(), file);
        queue.addAll(file.getDependencies());
      }
      Map<String, String> newSymbols = new HashMap<>();
      for (FileDescriptor file : newFiles.values()) {
        for (String symbol : symbolsOf(file)) {
          if (fileBySymbol.containsKey(symbol) || newSymbols.putIfAbsent(symbol, file.getName()) != null) {
            return false;
          }
        }
      }
      filesByName.putAll(newFiles);
      fileBySymbol.putAll(newSymbols);
      return true;
    }

    private static List<String> symbolsOf(FileDescriptor file) {
      List<String> symbols = new ArrayList<>();
      for (ServiceDescriptor service : file.getServices()) {
        symbols.add(service.getFullName());
        service.getMethods().forEach(m -> symbols.add(m.getFullName()));
      }
      Deque<Descriptor> types = new ArrayDeque<>(file.getMessageTypes());
      while (!types.isEmpty()) {
        Descriptor type = types.remove();
        symbols.add(type.getFullName());
        type.getExtensions().forEach(e -> symbols.add(extensionKey(e)));
        types.addAll(type.getNestedTypes());
      }
      file.getExtensions().forEach(e -> symbols.add(extensionKey(e)));
      return symbols;
    }

    private static String extensionKey(FieldDescriptor extension) {
      return "extension " + extension.getContainingType().getFullName() + " #" + extension.getNumber();
    }
  }
}
