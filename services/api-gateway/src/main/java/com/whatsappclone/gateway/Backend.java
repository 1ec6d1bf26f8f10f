package com.whatsappclone.gateway;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.net.TlsContexts;
import com.whatsappclone.common.net.TlsSettings;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend and the one channel every call to it reuses.
 *
 * <p>The channel keeps its connection alive with pings (a NAT or load balancer would otherwise drop
 * an idle connection silently and the next call would hang until TCP noticed) and never goes idle,
 * so the first call after a quiet hour does not pay for a new connection. Calls never wait for
 * the backend to become ready: while it is down they fail at once with {@code UNAVAILABLE}.
 *
 * <p>With INTERNAL_TLS the channel speaks TLS and checks the backend's certificate (against
 * TLS_TRUST_FILE or the JVM's trust store, and its name against the address's host); every call
 * to the backend uses it: forwarded calls, health checks and reflection alike.
 */
final class Backend implements AutoCloseable {

  /** grpc-java disables idle mode for idle timeouts of 30 days or more. */
  private static final long NEVER_IDLE_DAYS = 31;
  private static final long RECONNECT_NUDGE_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final BackendConfig config;
  private final ManagedChannel channel;
  private final AtomicLong lastNudgeNanos = new AtomicLong(System.nanoTime() - RECONNECT_NUDGE_SPACING_NANOS);

  /** A plaintext channel (tests of the routing). */
  Backend(BackendConfig config, Duration connectTimeout) {
    this(config, connectTimeout, TlsSettings.plaintext());
  }

  Backend(BackendConfig config, Duration connectTimeout, TlsSettings tls) {
    this(config, connectTimeout, tls, null);
  }

  /** @param threads the gateway's backend threads; null: grpc-java's shared defaults (tests) */
  Backend(BackendConfig config, Duration connectTimeout, TlsSettings tls, BackendThreads threads) {
    this(config, connectTimeout, tls, threads, null);
  }

  /**
   * @param metrics times every call on the channel by method and status
   *                (grpc_client_processing_duration_seconds); null: not measured (tests)
   */
  Backend(BackendConfig config, Duration connectTimeout, TlsSettings tls, BackendThreads threads,
      ServiceMetrics metrics) {
    this.config = config;
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(config.address());
    if (threads != null) {
      threads.applyTo(builder);
    }
    if (metrics != null) {
      metrics.instrument(builder);
    }
    this.channel = TlsContexts.internalChannel(builder, tls)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .idleTimeout(NEVER_IDLE_DAYS, TimeUnit.DAYS)
        // A host that silently drops packets must not hold calls for the OS default (minutes).
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .userAgent("whatsapp-api-gateway")
        .build();
  }

  BackendConfig config() {
    return config;
  }

  String name() {
    return config.name();
  }

  ManagedChannel channel() {
    return channel;
  }

  /**
   * Called before each call and each health check. While a backend is down, its channel retries
   * with exponential backoff (up to two minutes); a call arriving during the backoff would fail
   * although the backend may be back already. So whoever finds the channel failing cuts the backoff
   * short, at most once a second, which keeps recovery quick without hammering a backend that is
   * really down.
   */
  void reconnectIfFailing() {
    if (channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
      return;
    }
    long now = System.nanoTime();
    long last = lastNudgeNanos.get();
    if (now - last >= RECONNECT_NUDGE_SPACING_NANOS && lastNudgeNanos.compareAndSet(last, now)) {
      channel.resetConnectBackoff();
    }
  }

  /** Lets calls still on the channel finish briefly (the server drained before this runs). */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
