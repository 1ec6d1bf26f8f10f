package com.whatsappclone.common.grpc;

import com.whatsappclone.common.net.TlsContexts;
import com.whatsappclone.common.net.TlsSettings;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gRPC server bootstrap every service uses: its port, the auth interceptor, the error
 * mapping, {@code grpc.health.v1}, server reflection (v1 and v1alpha, for Postman and grpcurl), TLS
 * when configured, and a graceful shutdown that drains in-flight calls and then closes the
 * service's resources.
 */
public final class GrpcServer implements RunningServer {

  private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

  private final String name;
  private final Server server;
  private final HealthStatusManager health;
  private final List<String> serviceNames;
  private final Duration drainTimeout;
  private final Deque<AutoCloseable> resources;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private GrpcServer(Builder builder, Server server, HealthStatusManager health, List<String> serviceNames) {
    this.name = builder.name;
    this.server = server;
    this.health = health;
    this.serviceNames = serviceNames;
    this.drainTimeout = builder.drainTimeout;
    this.resources = new ArrayDeque<>(builder.resources);
  }

  public static Builder builder(String name, int port) {
    return new Builder(name, port);
  }

  @Override
  public int port() {
    return server.getPort();
  }

  /** Lets a service report a dependency outage (NOT_SERVING) and recovery. */
  public HealthStatusManager health() {
    return health;
  }

  /** The fully-qualified names of the application services (health reports each). */
  public List<String> serviceNames() {
    return serviceNames;
  }

  @Override
  public GrpcServer stopOnShutdownSignal() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, name + "-shutdown"));
    return this;
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops accepting calls, lets in-flight calls finish for up to the drain timeout, cancels what is
   * left, then closes the registered resources (pools, producers) in reverse order.
   */
  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    GracefulShutdown.drainThenClose(name, server, health, drainTimeout, resources);
  }

  /** Builds and starts a {@link GrpcServer}. */
  public static final class Builder {
    private final String name;
    private final int port;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Duration drainTimeout = Duration.ofSeconds(20);
    private String host;
    private TlsSettings tls = TlsSettings.plaintext();

    private Builder(String name, int port) {
      this.name = name;
      this.port = port;
    }

    public Builder addService(BindableService service) {
      services.add(service.bindService());
      return this;
    }

    public Builder addService(ServerServiceDefinition service) {
      services.add(service);
      return this;
    }

    /**
     * Adds an interceptor applied to the application services (not to health/reflection). The
     * first one added runs first; the error mapping is always outermost.
     */
    public Builder intercept(ServerInterceptor interceptor) {
      interceptors.add(interceptor);
      return this;
    }

    /** Closed after the server drained, last registered first (register the pool before users of it). */
    public Builder closeOnStop(AutoCloseable resource) {
      resources.push(resource);
      return this;
    }

    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = timeout;
      return this;
    }

    /** Binds to one address instead of all interfaces (tests bind to 127.0.0.1). */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * Serves TLS (1.2+) with the certificate chain and key of TLS_CERT_FILE / TLS_KEY_FILE when
     * {@code tls} has them; plaintext otherwise (the default).
     */
    public Builder tls(TlsSettings tls) {
      this.tls = tls;
      return this;
    }

    public GrpcServer start() {
      NettyServerBuilder netty = host == null
          ? NettyServerBuilder.forPort(port)
          : NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
      // The gateway keeps its channels alive with pings; allow them instead of GOAWAY-ing it.
      netty.permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
      // Ping idle clients so a Connect stream whose phone vanished (no FIN) is noticed and closed.
      netty.keepAliveTime(60, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS);
      TlsContexts.serve(netty, tls);

      List<ServerInterceptor> chain = new ArrayList<>();
      chain.add(new ErrorMappingInterceptor());
      chain.addAll(interceptors);
      // ServerInterceptors.intercept runs the LAST interceptor first, so reverse the list.
      List<ServerInterceptor> reversed = new ArrayList<>(chain);
      java.util.Collections.reverse(reversed);

      List<String> serviceNames = new ArrayList<>();
      MalformedRequestLog malformed = new MalformedRequestLog(name);
      for (ServerServiceDefinition service : services) {
        serviceNames.add(service.getServiceDescriptor().getName());
        // Outside the interceptors: a request that does not parse gets INVALID_ARGUMENT, not UNKNOWN
        // with a stack trace (RequestParsingGuard).
        netty.addService(RequestParsingGuard.guard(ServerInterceptors.intercept(service, reversed), malformed));
      }
      HealthStatusManager health = new HealthStatusManager();
      netty.addService(health.getHealthService());
      netty.addService(ProtoReflectionServiceV1.newInstance());
      netty.addService(GracefulShutdown.legacyReflection());

      Server server = netty.build();
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException(name + " could not listen on port " + port + ": " + e.getMessage(), e);
      }
      health.setStatus("", ServingStatus.SERVING);
      for (String serviceName : serviceNames) {
        health.setStatus(serviceName, ServingStatus.SERVING);
      }
      log.info("{} listening on :{} ({}; health and reflection enabled)", name, server.getPort(),
          tls.serverTls() ? "gRPC over TLS" : "gRPC, plaintext");
      return new GrpcServer(this, server, health, List.copyOf(serviceNames));
    }
  }
}
