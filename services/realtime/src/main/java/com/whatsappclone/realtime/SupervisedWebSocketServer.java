package com.whatsappclone.realtime;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.drafts.Draft;
import org.java_websocket.server.WebSocketServer;

/**
 * A Java-WebSocket server that says when the library stopped it by itself.
 *
 * <p>Java-WebSocket stops the whole server, closing every connection and the listening socket,
 * when a decoder thread meets a {@link VirtualMachineError} or {@link LinkageError} or the selector
 * loop a RuntimeException (its private {@code handleFatal}). It does so by calling
 * {@link #stop(int, String)}; every stop this service wants goes through {@link #shutdown} instead,
 * so a call to {@code stop} that did not come from there is such a fatal stop. The
 * {@link WebSocketEndpoint} that owns the server is told, and replaces it.
 */
abstract class SupervisedWebSocketServer extends WebSocketServer {

  /** Close reason sent to clients when the server stops after a fatal error (no internals). */
  static final String FATAL_CLOSE_REASON = "server error, reconnect";

  private static final int START_TIMEOUT_SECONDS = 10;
  /** How long a fatal stop waits for the selector thread; the library's own stop(0) waits forever. */
  private static final int FATAL_STOP_WAIT_MS = 2_000;

  /**
   * Whether the class loaded is this module's patched copy of the library's server (its selector
   * loop removes each selected key; see org/java_websocket/server/WebSocketServer.java here). Read
   * by reflection: the constant would be compiled in, and say yes, whichever class is loaded.
   */
  static final boolean SELECTOR_LOOP_PATCHED = selectorLoopPatched();

  static {
    if (!SELECTOR_LOOP_PATCHED) {
      org.slf4j.LoggerFactory.getLogger(SupervisedWebSocketServer.class).warn(
          "the unpatched Java-WebSocket WebSocketServer is loaded (is the library ahead of the realtime module on"
              + " the classpath?): each selector wakeup walks every connection written to since its last read,"
              + " and a frame queued as a connection's queue empties can stay unsent");
    }
  }

  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private volatile boolean stopRequested;
  private volatile Thread selectorThread;
  private volatile Runnable fatalStopListener = () -> {};

  SupervisedWebSocketServer(InetSocketAddress address, int decoders, List<Draft> drafts) {
    super(address, decoders, drafts);
  }

  private static boolean selectorLoopPatched() {
    try {
      return WebSocketServer.class.getField("REMOVES_SELECTED_KEYS").getBoolean(null);
    } catch (NoSuchFieldException | IllegalAccessException e) {
      return false;
    }
  }

  /** Called once, on a library thread, after the library stopped the server on its own. */
  final void onFatalStop(Runnable listener) {
    this.fatalStopListener = listener;
  }

  /** Starts the selector thread and waits until the port is bound. */
  final void startAndAwait() {
    start();
    try {
      started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("WebSocket server could not listen on " + getAddress() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("WebSocket server did not start within " + START_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the WebSocket server", e);
    }
  }

  /** The stop this service asks for: closes every connection with {@code reason}. */
  final void shutdown(int timeoutMs, String reason) throws InterruptedException {
    stopRequested = true;
    super.stop(timeoutMs, reason);
  }

  /** Only the library calls this (see the class comment); {@link #shutdown} is the way to stop. */
  @Override
  public final void stop(int timeout, String closeMessage) throws InterruptedException {
    if (stopRequested) {
      super.stop(timeout, closeMessage);
      return;
    }
    stopRequested = true;
    try {
      // The library's message names Java classes; and stop(0) would wait forever when the
      // selector thread itself is the one failing.
      super.stop(Thread.currentThread() == selectorThread ? 1 : FATAL_STOP_WAIT_MS, FATAL_CLOSE_REASON);
    } finally {
      // Also when the wait was interrupted: the selector thread, shutting down, interrupts the
      // decoder threads, this one included.
      fatalStopListener.run();
    }
  }

  /** Subclasses that override this must call it. */
  @Override
  public void onStart() {
    selectorThread = Thread.currentThread();
    started.complete(null);
  }

  /** Run about once a second by the endpoint while the server listens; must not block. */
  void housekeeping() {}

  /** A server-level error before the port was bound fails {@link #startAndAwait}. */
  final void failStart(Exception error) {
    started.completeExceptionally(error);
  }
}
