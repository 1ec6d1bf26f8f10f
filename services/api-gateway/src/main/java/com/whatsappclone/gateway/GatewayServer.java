package com.whatsappclone.gateway;

import com.whatsappclone.common.grpc.GracefulShutdown;
import com.whatsappclone.common.net.TlsContexts;
import com.whatsappclone.common.net.TlsSettings;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's gRPC server: health and reflection (v1 and v1alpha) of its own, every other method
 * served through a fallback {@link HandlerRegistry} that forwards to the backends.
 *
 * <p>It mirrors common's {@code GrpcServer} (same keep-alive permissions, same drain-then-close
 * shutdown) because that builder registers fixed services only and has no way to set a fallback
 * registry, which is what lets the gateway serve RPCs it learns about at run time.
 */
public final class GatewayServer implements com.whatsappclone.common.grpc.RunningServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final String name;
  private final Server server;
  private final HealthStatusManager health;
  private final Duration drainTimeout;
  private final Deque<AutoCloseable> resources;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private GatewayServer(String name, Server server, HealthStatusManager health, Duration drainTimeout,
      Deque<AutoCloseable> resources) {
    this.name = name;
    this.server = server;
    this.health = health;
    this.drainTimeout = drainTimeout;
    this.resources = resources;
  }

  /**
   * Services of gRPC itself ({@code grpc.*}): health and reflection, which the gateway answers for
   * itself, and admin services a backend may add (channelz, CSDS, binary log), which describe one
   * backend's internals and are not for clients. None is taken from a backend or forwarded.
   */
  static boolean isInfrastructure(String serviceName) {
    return serviceName.startsWith("grpc.");
  }

  /**
   * Starts listening, over TLS when {@code tls} has a certificate. {@code resources} are closed
   * after the server drained, last one first.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  static GatewayServer start(String name, int port, Optional<String> host, TlsSettings tls,
      HandlerRegistry registry, HealthStatusManager health, Duration drainTimeout, List<AutoCloseable> resources) {
    NettyServerBuilder netty = host.isEmpty()
        ? NettyServerBuilder.forPort(port)
        : NettyServerBuilder.forAddress(new InetSocketAddress(host.get(), port));
    // Clients (phones on flaky networks) keep their Connect streams alive with pings: allow them.
    netty.permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
    // Ping idle clients: a mobile client that vanished without closing frees its Connect slot.
    netty.keepAliveTime(60, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS);
    TlsContexts.serve(netty, tls);
    netty.addService(health.getHealthService());
    netty.addService(ProtoReflectionServiceV1.newInstance());
    netty.addService(GracefulShutdown.legacyReflection());
    netty.fallbackHandlerRegistry(registry);
    Server server = netty.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(name + " could not listen on port " + port + ": " + e.getMessage(), e);
    }
    log.info("{} listening on :{} ({}; forwarding to the backends, health and reflection enabled)",
        name, server.getPort(), tls.serverTls() ? "gRPC over TLS" : "gRPC, plaintext");
    Deque<AutoCloseable> closeOrder = new ArrayDeque<>();
    resources.forEach(closeOrder::push);
    return new GatewayServer(name, server, health, drainTimeout, closeOrder);
  }

  /** The bound port (useful when started with port 0). */
  @Override
  public int port() {
    return server.getPort();
  }

  public HealthStatusManager health() {
    return health;
  }

  /** Stops on SIGTERM / Ctrl-C. */
  @Override
  public GatewayServer stopOnShutdownSignal() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, name + "-shutdown"));
    return this;
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops accepting calls, lets in-flight calls (open Connect streams too) finish for up to the
   * drain timeout, cancels what is left, then closes the backend channels and background jobs.
   */
  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    GracefulShutdown.drainThenClose(name, server, health, drainTimeout, resources);
  }

}
