package com.whatsappclone.common.grpc;

import com.whatsappclone.common.error.DomainException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the unary calls a server works on at once. Beyond the bound a call is answered at once
 * with RESOURCE_EXHAUSTED, reason {@value Reasons#SERVER_OVERLOADED} and a {@code RetryInfo}
 * delay, instead of waiting in a queue (for a database connection, mostly) until its deadline:
 * under overload the server keeps serving what it admitted at full speed and tells the rest when
 * to come back.
 *
 * <p>Only unary calls count: they are the ones that hold a thread of the server's executor while
 * they run (JDBC and Kafka calls block). Streams (realtime's Connect) hold no thread between
 * messages and have limits of their own. The outermost interceptor, so a refusal costs no token
 * check and no log line of its own; a warning says, at most every 10 seconds, how many were refused.
 *
 * <p>A server can be full because its database stalled (every call waits on a connection that
 * does not come): then the excess is answered UNAVAILABLE, reason {@value Reasons#DATABASE_UNAVAILABLE},
 * with the RetryInfo of {@link UnavailableException}, as the calls inside will be, so a client
 * sees one cause, the right one, and is not told its own load is the problem.
 *
 * <p>Each refusal is counted by its reason, {@value #SHED_METER} (Prometheus
 * {@code grpc_server_shed_total{reason="SERVER_OVERLOADED"}}), when the server has metrics.
 *
 * <p>A call keeps its place until the server closes it or, for a call its client cancelled (or
 * whose deadline passed), until its handler returns: grpc-java delivers the cancellation after the
 * handler's blocking work, and the thread is busy until then.
 */
final class CallAdmission implements ServerInterceptor {

  /** What a refused client is told to wait: long enough for the calls in progress to finish. */
  static final Duration RETRY_DELAY = Duration.ofMillis(250);
  /** Refused calls, tagged {@code reason}. */
  static final String SHED_METER = "grpc.server.shed";

  private final String serverName;
  private final int maxConcurrentCalls;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Logger log = LoggerFactory.getLogger(CallAdmission.class);

  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicLong refusedSinceWarning = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  private final BooleanSupplier databaseStalled;
  private final Runnable overloadedShed;
  private final Runnable databaseShed;

  CallAdmission(String serverName, int maxConcurrentCalls, BooleanSupplier databaseStalled) {
    this(serverName, maxConcurrentCalls, databaseStalled, Optional.empty());
  }

  /** @param metrics where refusals are counted; none: not counted */
  CallAdmission(String serverName, int maxConcurrentCalls, BooleanSupplier databaseStalled,
      Optional<MeterRegistry> metrics) {
    if (maxConcurrentCalls < 1) {
      throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, got " + maxConcurrentCalls);
    }
    this.serverName = serverName;
    this.maxConcurrentCalls = maxConcurrentCalls;
    this.databaseStalled = databaseStalled;
    this.overloadedShed = shedCounter(metrics, Reasons.SERVER_OVERLOADED);
    this.databaseShed = shedCounter(metrics, Reasons.DATABASE_UNAVAILABLE);
  }

  private static Runnable shedCounter(Optional<MeterRegistry> metrics, String reason) {
    return metrics.<Runnable>map(registry -> Counter.builder(SHED_METER)
        .description("Calls refused at once because the server was full").tag("reason", reason)
        .register(registry)::increment).orElse(() -> {});
  }

  /** Unary calls in progress now. */
  int inProgress() {
    return inProgress.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType() != MethodType.UNARY) {
      return next.startCall(call, headers);
    }
    if (inProgress.incrementAndGet() > maxConcurrentCalls) {
      inProgress.decrementAndGet();
      DomainException refusal = refusal();
      Status status = refusal.toStatus();
      call.close(status, StatusMapper.toTrailers(refusal, status));
      warnNowAndThen();
      return new ServerCall.Listener<>() {};
    }
    CountedCall<Q, R> counted = new CountedCall<>(call);
    try {
      // The server never closes a call its client cancelled (or whose deadline passed).
      return new SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
        @Override
        public void onCancel() {
          try {
            super.onCancel();
          } finally {
            counted.release();
          }
        }
      };
    } catch (RuntimeException e) {
      counted.release();
      throw e;
    }
  }

  private DomainException refusal() {
    if (databaseStalled.getAsBoolean()) {
      databaseShed.run();
      return new UnavailableException(Reasons.DATABASE_UNAVAILABLE, serverName
          + " is full of calls waiting on its database, which is not answering; try again in "
          + UnavailableException.RETRY_DELAY.toMillis() + " ms");
    }
    overloadedShed.run();
    return new ResourceExhaustedException(Reasons.SERVER_OVERLOADED, serverName
        + " is working on as many calls as it takes (" + maxConcurrentCalls + "); try again in "
        + RETRY_DELAY.toMillis() + " ms", RETRY_DELAY);
  }

  private void warnNowAndThen() {
    refusedSinceWarning.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn("{}: {} call(s) refused in the last {} s: {} unary calls in progress, the most it takes"
          + " (GRPC_MAX_CONCURRENT_CALLS; the gateway: GATEWAY_MAX_CONCURRENT_CALLS)", serverName, refusedSinceWarning.getAndSet(0),
          TimeUnit.NANOSECONDS.toSeconds(now - last), maxConcurrentCalls);
    }
  }

  /** A call that gives its place back once, when closed or cancelled, whichever comes first. */
  private final class CountedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private final AtomicBoolean released = new AtomicBoolean();

    CountedCall(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      release();
      super.close(status, trailers);
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        inProgress.decrementAndGet();
      }
    }
  }
}
