package com.whatsappclone.realtime;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the WebSocket endpoint listening: when the library stops its server after a fatal error
 * (see {@link SupervisedWebSocketServer}), the endpoint reports itself not serving, starts a new
 * server on the same port (retrying with back-off until the port is free) and reports serving
 * again. Clients of the failed server were closed with 1001 and reconnect, catching up on what
 * they missed; nothing else of the service is restarted.
 */
final class WebSocketEndpoint<S extends SupervisedWebSocketServer> implements AutoCloseable {

  /** Told whether the endpoint is serving: at start, at each fatal stop and at each recovery. */
  interface ServingListener {
    void servingChanged(boolean serving);
  }

  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);

  private final Function<InetSocketAddress, S> factory;
  /** Restarts and the servers' housekeeping; one thread, nothing on it blocks. */
  private final ScheduledExecutorService restarts;
  private final Object lock = new Object();
  private volatile ServingListener listener = serving -> {};
  private InetSocketAddress boundAddress;
  private S current;
  private int restartCount;
  private boolean closed;

  WebSocketEndpoint(Function<InetSocketAddress, S> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.restarts = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "websocket-supervisor");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts the first server on {@code address} (port 0: any free port, kept for restarts).
   *
   * @throws IllegalStateException if it cannot listen there
   */
  void start(InetSocketAddress address) {
    S server = launch(address);
    synchronized (lock) {
      boundAddress = new InetSocketAddress(address.getAddress(), server.getPort());
      current = server;
    }
    restarts.scheduleWithFixedDelay(this::housekeeping, 1, 1, TimeUnit.SECONDS);
  }

  private void housekeeping() {
    S server = current();
    if (server == null) {
      return;
    }
    try {
      server.housekeeping();
    } catch (RuntimeException e) {
      // The next round tries again; a failing round must not cancel the schedule.
      log.warn("WebSocket housekeeping failed: {}", e.toString());
    }
  }

  /** Receives the serving state from now on, starting with the present one. */
  void reportTo(ServingListener newListener) {
    this.listener = Objects.requireNonNull(newListener, "listener");
    newListener.servingChanged(isServing());
  }

  boolean isServing() {
    synchronized (lock) {
      return current != null && !closed;
    }
  }

  int port() {
    synchronized (lock) {
      return boundAddress.getPort();
    }
  }

  /** How many times the server was replaced after a fatal error. */
  int restartCount() {
    synchronized (lock) {
      return restartCount;
    }
  }

  /** Stops the server with {@code reason} for its clients; no restart after this. */
  void stop(int timeoutMs, String reason) throws InterruptedException {
    S server;
    synchronized (lock) {
      closed = true;
      server = current;
      current = null;
    }
    restarts.shutdownNow();
    if (server != null) {
      server.shutdown(timeoutMs, reason);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(5_000, "server shutting down");
  }

  private S launch(InetSocketAddress address) {
    S server = factory.apply(address);
    server.onFatalStop(() -> failed(server));
    server.startAndAwait();
    return server;
  }

  private void failed(S server) {
    synchronized (lock) {
      if (closed || current != server) {
        return;
      }
      current = null;
    }
    log.error("the WebSocket endpoint stopped after a fatal error; starting a new server on :{}", port());
    listener.servingChanged(false);
    scheduleRestart(FIRST_RETRY);
  }

  private void scheduleRestart(Duration delay) {
    try {
      restarts.schedule(() -> restart(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stoppedMeanwhile) {
      log.debug("the WebSocket endpoint was stopped; no restart");
    }
  }

  private void restart(Duration lastDelay) {
    InetSocketAddress address;
    synchronized (lock) {
      if (closed) {
        return;
      }
      address = boundAddress;
    }
    S server;
    try {
      server = launch(address);
    } catch (RuntimeException e) {
      Duration next = lastDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : lastDelay.multipliedBy(2);
      log.warn("the WebSocket endpoint could not restart ({}); retrying in {} ms", e.getMessage(), next.toMillis());
      scheduleRestart(next);
      return;
    }
    boolean keep;
    synchronized (lock) {
      keep = !closed;
      if (keep) {
        current = server;
        restartCount++;
      }
    }
    if (!keep) {
      stopQuietly(server);
      return;
    }
    log.info("the WebSocket endpoint is listening again on :{}", address.getPort());
    listener.servingChanged(true);
  }

  private static void stopQuietly(SupervisedWebSocketServer server) {
    try {
      server.shutdown(1_000, "server shutting down");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** For tests and for the listener: the present server, if one is listening. */
  S current() {
    synchronized (lock) {
      return current;
    }
  }
}
