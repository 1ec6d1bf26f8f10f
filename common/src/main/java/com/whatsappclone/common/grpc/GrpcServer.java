package com.whatsappclone.common.grpc;

import com.whatsappclone.common.lifecycle.Resources;
import com.whatsappclone.common.net.TlsContexts;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.metrics.MetricsServer;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.tracing.Tracing;
import com.whatsappclone.common.tracing.TracingServerInterceptor;
import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gRPC server bootstrap every service and the gateway use: its port, the service's
 * interceptors around the error mapping, {@code grpc.health.v1}, server reflection (v1 and
 * v1alpha, for Postman and grpcurl), TLS when configured, an optional fallback registry (the
 * gateway forwards the methods it learns about at run time through one), and a graceful shutdown
 * that drains in-flight calls and then closes the service's resources.
 *
 * <p>Interceptor order: those added with {@link Builder#intercept} run in the order added, then the
 * error mapping, innermost, right next to the handler. So every interceptor (auth, outcome logs,
 * limits) sees the status the client gets, not the exception a handler threw. The mapping runs
 * once more outside them, only for an interceptor that itself throws. Outermost of all,
 * {@link CallAdmission} bounds the unary calls in progress (GRPC_MAX_CONCURRENT_CALLS) and refuses
 * the excess at once with RESOURCE_EXHAUSTED and a retry delay.
 *
 * <p>Threads: each server has its own, named after it ({@link ServerThreads}), so the CPU a
 * service uses can be told apart when several run in one JVM (the local stack) and a burst of
 * calls cannot grow threads without bound.
 *
 * <p>Metrics ({@link Builder#metrics}): every call is timed by method and status, outermost, so
 * refused calls count too, and a {@link MetricsServer} on the service's metrics port serves them
 * with /health/ready following this server's overall health; it stops after the drain.
 */
public final class GrpcServer implements RunningServer {

  private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

  private final String name;
  private final Server server;
  private final HealthStatusManager health;
  private final List<String> serviceNames;
  private final Duration drainTimeout;
  private final Runnable endOpenStreams;
  private final Resources resources;
  private final ServerThreads threads;
  private volatile MetricsServer metricsServer;
  private volatile Readiness readiness;
  private volatile Tracing tracing = Tracing.off();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private GrpcServer(Builder builder, Server server, ServerThreads threads, HealthStatusManager health,
      List<String> serviceNames) {
    this.threads = threads;
    this.name = builder.name;
    this.server = server;
    this.health = health;
    this.serviceNames = serviceNames;
    this.drainTimeout = builder.drainTimeout;
    this.endOpenStreams = builder.endOpenStreams;
    this.resources = builder.resources;
  }

  public static Builder builder(String name, int port) {
    return new Builder(name, port);
  }

  /** A builder with the port, bind address, TLS and drain timeout of {@code settings}. */
  public static Builder builder(String name, GrpcServerSettings settings) {
    Builder builder = new Builder(name, settings.port()).tls(settings.tls()).drainTimeout(settings.drainTimeout())
        .maxConcurrentCalls(settings.maxConcurrentCalls());
    settings.bindHost().ifPresent(builder::host);
    return builder;
  }

  @Override
  public int port() {
    return server.getPort();
  }

  /** The metrics endpoint's port, when the server has one ({@link Builder#metrics}, metrics on). */
  @Override
  public OptionalInt metricsPort() {
    MetricsServer metrics = metricsServer;
    return metrics == null ? OptionalInt.empty() : OptionalInt.of(metrics.port());
  }

  /**
   * The overall status (service "") its grpc.health.v1 answers now, whoever set it: what
   * /health/ready reports. SERVICE_UNKNOWN before anything was set.
   */
  public ServingStatus overallHealth() {
    return OwnHealth.overall(health);
  }

  /** The server's health manager (for a service's own named statuses, such as the worker's "push"). */
  public HealthStatusManager health() {
    return health;
  }

  /**
   * The conditions its overall health follows ({@link Builder#readyWhen}); call
   * {@link Readiness#recheck} when one of them is seen to change. Empty for a server whose health
   * the caller keeps ({@link Builder#health}).
   */
  public Optional<Readiness> readiness() {
    return Optional.ofNullable(readiness);
  }

  /** Sets the whole server and each of its services to {@code status}: the readiness's verdict. */
  private void publish(ServingStatus status) {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    serviceNames.forEach(service -> health.setStatus(service, status));
  }

  /** The failing readiness conditions and why, for /health/ready. */
  private Map<String, String> readinessProblems() {
    Readiness current = readiness;
    return current == null ? Map.of() : current.problems();
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
    // First: the drain makes the health NOT_SERVING for good, and the resources it closes would
    // only show up as failing conditions.
    Readiness checks = readiness;
    if (checks != null) {
      checks.close();
    }
    GracefulShutdown.drainThenClose(name, server, health, drainTimeout, endOpenStreams, resources);
    // Last: scrapes and /health/ready (503 from the drain on) answer until the server is gone.
    MetricsServer metrics = metricsServer;
    if (metrics != null) {
      metrics.close();
    }
    threads.close();
    // After the resources: the spans of the last calls and records are sent too.
    tracing.close();
  }

  /** Builds and starts a {@link GrpcServer}. */
  public static final class Builder {
    private final String name;
    private final int port;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final Resources resources = new Resources();
    private Duration drainTimeout = GrpcServerSettings.DEFAULT_DRAIN_TIMEOUT;
    private Runnable endOpenStreams = () -> {};
    private String host;
    private TlsSettings tls = TlsSettings.plaintext();
    private HandlerRegistry fallback;
    private HealthStatusManager health;
    private int maxConcurrentCalls = GrpcServerSettings.DEFAULT_MAX_CONCURRENT_CALLS;
    private BooleanSupplier databaseStalled = () -> false;
    private int callThreads;
    private ServiceMetrics metrics;
    private final Map<String, Readiness.Check> readyWhen = new LinkedHashMap<>();

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
     * Adds an interceptor applied to the application services and the fallback registry's methods
     * (not to health/reflection). The first one added runs first; all run outside the error
     * mapping, so they see final statuses.
     */
    public Builder intercept(ServerInterceptor interceptor) {
      interceptors.add(interceptor);
      return this;
    }

    /**
     * Closed after the server drained, last registered first (register the pool before users of
     * it). Not closed when {@link #start} fails: whoever opened it closes it then.
     */
    public Builder closeOnStop(AutoCloseable resource) {
      resources.push(resource);
      return this;
    }

    /**
     * Serves every method no added service has through {@code registry}, with the same
     * interceptors (the gateway's forwarding, whose routes change at run time). Its
     * {@code getServices()} is what reflection lists besides the added services.
     */
    public Builder fallback(HandlerRegistry registry) {
      this.fallback = registry;
      return this;
    }

    /**
     * Uses {@code health} instead of a new manager, and leaves every status in it to the caller
     * (the gateway reports its backends' health, known before it listens).
     */
    public Builder health(HealthStatusManager health) {
      this.health = health;
      return this;
    }

    /**
     * One thing the service needs to do its work (its database reachable, its consumer's
     * partitions assigned, its lag bounded): the server's overall health is SERVING only while
     * every such condition holds ({@link Readiness}). Not with {@link #health}, whose statuses the
     * caller keeps.
     */
    public Builder readyWhen(String condition, Readiness.Check check) {
      if (readyWhen.putIfAbsent(condition, check) != null) {
        throw new IllegalArgumentException("readiness condition " + condition + " is set twice");
      }
      return this;
    }

    /**
     * Unary calls worked on at once; beyond it a call is refused at once with RESOURCE_EXHAUSTED
     * and a retry delay ({@link CallAdmission}). Unless {@link #callThreads} says otherwise, the
     * server has a few more threads than this, since every admitted call may block one.
     */
    public Builder maxConcurrentCalls(int max) {
      this.maxConcurrentCalls = max;
      return this;
    }

    /**
     * The service's database: while it looks stalled ({@link Database#stalled}), the calls the
     * server refuses for being full are answered UNAVAILABLE (DATABASE_UNAVAILABLE, retry in 1 s),
     * since what fills the server is calls waiting on the database, not the client's load.
     */
    public Builder refusalsFollow(Database database) {
      return refusalsFollow(database::stalled);
    }

    /** As {@link #refusalsFollow(Database)}, with the database's state as a test sets it. */
    public Builder refusalsFollow(BooleanSupplier databaseStalled) {
      this.databaseStalled = databaseStalled;
      return this;
    }

    /**
     * Threads of the call executor, for a server whose handlers never block (the gateway
     * forwards asynchronously, so it admits many calls on few threads).
     */
    public Builder callThreads(int threads) {
      this.callThreads = threads;
      return this;
    }

    /**
     * Measures the server's calls ({@code grpc_server_processing_duration_seconds} by method and
     * statusCode, {@code grpc_server_shed_total} by reason) into {@code metrics} and serves them on
     * its metrics port ({@link MetricsServer}). Nothing of it when metrics are off (METRICS_ENABLED).
     */
    public Builder metrics(ServiceMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = timeout;
      return this;
    }

    /**
     * Run at stop once no new call is accepted, before the drain: ends the calls that would
     * otherwise hold the drain for its whole timeout (streams that only end when the client leaves).
     */
    public Builder endOpenStreamsOnStop(Runnable endOpenStreams) {
      this.endOpenStreams = endOpenStreams;
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
      if (health != null && !readyWhen.isEmpty()) {
        throw new IllegalStateException(name + ": readiness conditions need the server's own health, not one passed in");
      }
      NettyServerBuilder netty = host == null
          ? NettyServerBuilder.forPort(port)
          : NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
      // The gateway keeps its channels alive with pings; allow them instead of GOAWAY-ing it.
      netty.permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
      // Ping idle clients so a Connect stream whose phone vanished (no FIN) is noticed and closed.
      netty.keepAliveTime(60, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS);
      TlsContexts.serve(netty, tls);
      ServerThreads threads = new ServerThreads(name,
          callThreads > 0 ? callThreads : maxConcurrentCalls + ServerThreads.SPARE_THREADS);
      threads.applyTo(netty);

      List<ServerInterceptor> chain = interceptorChain();
      List<String> serviceNames = new ArrayList<>();
      MalformedRequestLog malformed = new MalformedRequestLog(name);
      for (ServerServiceDefinition service : services) {
        serviceNames.add(service.getServiceDescriptor().getName());
        // Outside the interceptors: a request that does not parse gets INVALID_ARGUMENT, not UNKNOWN
        // with a stack trace (RequestParsingGuard).
        netty.addService(RequestParsingGuard.guard(ServerInterceptors.intercept(service, chain), malformed));
      }
      boolean ownHealth = health == null;
      HealthStatusManager health = ownHealth ? new HealthStatusManager() : this.health;
      if (ownHealth) {
        // A new manager says SERVING; this server does only once its readiness says so.
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
      }
      netty.addService(health.getHealthService());
      netty.addService(ProtoReflectionServiceV1.newInstance());
      netty.addService(GracefulShutdown.legacyReflection());
      if (fallback != null) {
        netty.fallbackHandlerRegistry(new InterceptedRegistry(fallback, chain));
      }

      Server server = netty.build();
      try {
        server.start();
      } catch (IOException e) {
        threads.close();
        throw new UncheckedIOException(name + " could not listen on port " + port + ": " + e.getMessage(), e);
      }
      GrpcServer started = new GrpcServer(this, server, threads, health, List.copyOf(serviceNames));
      tracing().ifPresent(t -> started.tracing = t);
      if (metrics != null && metrics.enabled()) {
        try {
          started.metricsServer = MetricsServer.start(metrics, started::overallHealth, started::readinessProblems);
        } catch (RuntimeException e) {
          server.shutdownNow();
          threads.close();
          throw e;
        }
      }
      if (ownHealth) {
        // Checked once before anyone is told this server listens: it starts SERVING only if ready.
        started.readiness = new Readiness(name, readyWhen, started::publish);
        started.readiness.start();
      }
      log.info("{} listening on :{} ({}; {}health and reflection enabled)", name, server.getPort(),
          tls.serverTls() ? "gRPC over TLS" : "gRPC, plaintext", fallback == null ? "" : "forwarding, ");
      return started;
    }

    /**
     * In {@code ServerInterceptors.intercept} order, which runs the LAST one first: the call
     * metrics outermost (they see every status a client gets), then the admission (a refused call
     * costs nothing else), the error mapping innermost, the added ones
     * between them in the order added, and the mapping once more outside them for what an
     * interceptor throws itself (it leaves statuses already mapped alone).
     */
    private Optional<Tracing> tracing() {
      return Optional.ofNullable(metrics).map(ServiceMetrics::tracing);
    }

    private List<ServerInterceptor> interceptorChain() {
      List<ServerInterceptor> runOrder = new ArrayList<>();
      // Outermost: the span covers everything the call costs, refusals included.
      tracing().filter(Tracing::enabled).ifPresent(t -> runOrder.add(new TracingServerInterceptor(t)));
      Optional<ServiceMetrics> measured = Optional.ofNullable(metrics).filter(ServiceMetrics::enabled);
      measured.flatMap(ServiceMetrics::serverCalls).ifPresent(runOrder::add);
      runOrder.add(new CallAdmission(name, maxConcurrentCalls, databaseStalled,
          measured.map(ServiceMetrics::registry)));
      runOrder.add(new ErrorMappingInterceptor());
      runOrder.addAll(interceptors);
      runOrder.add(new ErrorMappingInterceptor());
      Collections.reverse(runOrder);
      return List.copyOf(runOrder);
    }
  }
}
