package com.whatsappclone.bench.ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread serving many {@link WebSocketConnection}s: connects, handshakes, reads and
 * writes without blocking. Handshakes that take longer than their timeout fail by themselves.
 */
public final class WebSocketLoop implements AutoCloseable {

  private static final long TICK_MILLIS = 50;

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(128 * 1024);
  private final Set<WebSocketConnection> live = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Random random = new Random(new SplittableRandom().nextLong());
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  public WebSocketLoop(String name) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Opens a connection to {@code remote} (from {@code local}, or any address when null) and
   * upgrades it on {@code pathAndQuery} with the bearer token.
   */
  public WebSocketConnection connect(InetSocketAddress remote, InetAddress local, String pathAndQuery,
      String bearerToken, WebSocketListener listener, Duration handshakeTimeout) {
    WebSocketConnection connection = new WebSocketConnection(this, remote, local, pathAndQuery, bearerToken,
        listener, System.nanoTime() + handshakeTimeout.toNanos());
    execute(() -> {
      live.add(connection);
      connection.start();
    });
    return connection;
  }

  /** Closes every connection of this loop (close frame, then the socket); waits up to the timeout. */
  public void closeAll(Duration timeout) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    execute(() -> {
      for (WebSocketConnection connection : new ArrayList<>(live)) {
        connection.closeNow(1000, "closed by client");
      }
      done.countDown();
    });
    done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs on the loop thread: now when called from it, else soon. */
  void execute(Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      tasks.add(task);
      selector.wakeup();
    }
  }

  Selector selector() {
    return selector;
  }

  Random random() {
    return random;
  }

  void forget(WebSocketConnection connection) {
    live.remove(connection);
  }

  private void run() {
    long nextTick = System.nanoTime();
    try {
      while (running) {
        selector.select(TICK_MILLIS);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          WebSocketConnection connection = (WebSocketConnection) key.attachment();
          if (!key.isValid()) {
            continue;
          }
          if (key.isConnectable()) {
            connection.onConnectable();
          } else {
            if (key.isValid() && key.isWritable()) {
              connection.onWritable();
            }
            if (key.isValid() && key.isReadable()) {
              connection.onReadable(readBuffer);
            }
          }
        }
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS * 4);
          expireHandshakes(now);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("WebSocket loop " + thread.getName() + " failed: " + e);
    } finally {
      for (WebSocketConnection connection : new ArrayList<>(live)) {
        connection.closeNow(1001, "client stopping");
      }
      try {
        selector.close();
      } catch (IOException e) {
        // nothing left to release
      }
      stopped.countDown();
    }
  }

  private void expireHandshakes(long now) {
    List<WebSocketConnection> late = null;
    for (WebSocketConnection connection : live) {
      if (connection.isPastDeadline(now)) {
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(connection);
      }
    }
    if (late != null) {
      late.forEach(WebSocketConnection::timedOut);
    }
  }

  /** Stops the thread; every connection still open is closed. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      stopped.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
