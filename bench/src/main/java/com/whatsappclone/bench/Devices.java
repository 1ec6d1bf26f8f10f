package com.whatsappclone.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.bench.ws.WebSocketConnection;
import com.whatsappclone.bench.ws.WebSocketListener;
import com.whatsappclone.bench.ws.WebSocketLoop;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.MessageAck;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One WebSocket device per user, as the app keeps one open: binary frames, every new message
 * handed to the {@link Sink} with its arrival time and acknowledged (when asked to), pings
 * answered. A device the server closes reconnects after a pause, as the app would, and catches up.
 */
final class Devices implements AutoCloseable {

  /** Where arriving messages go; called on a loop thread, must be quick. */
  interface Sink {
    void onNewMessage(int userIndex, NewMessage message, long arrivedNanos);
  }

  private static final int LOOPS = 2;
  private static final int MAX_RECONNECTS_PER_DEVICE = 5;
  /** About what the app waits before it gives up on a connection attempt and tries again. */
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);

  private final List<BenchUser> users;
  private final InetSocketAddress server;
  private final boolean ack;
  private volatile Sink sink;
  private final WebSocketLoop[] loops = new WebSocketLoop[LOOPS];
  private final WebSocketConnection[] connections;
  private final int[] reconnects;
  private final ScheduledExecutorService reconnector;
  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger firstAttemptFailures = new AtomicInteger();
  private volatile boolean closing;

  Devices(List<BenchUser> users, InetSocketAddress server, boolean ack) {
    this.users = users;
    this.server = server;
    this.ack = ack;
    this.connections = new WebSocketConnection[users.size()];
    this.reconnects = new int[users.size()];
    for (int i = 0; i < LOOPS; i++) {
      loops[i] = new WebSocketLoop("bench-devices-" + i);
    }
    this.reconnector = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "bench-reconnect");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Where new messages go from now on. */
  void sink(Sink target) {
    this.sink = target;
  }

  /**
   * Connects every user's device at once, as after a server restart, and waits until all are open
   * (a failed attempt is retried after a pause, as the app does) or the time is up.
   */
  Map<String, Object> connectAll(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    for (int i = 0; i < users.size(); i++) {
      connect(i);
    }
    while (open.get() < users.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("devices", users.size());
    out.put("open", open.get());
    out.put("failedFirstAttempt", firstAttemptFailures.get());
    out.put("handshakeTimeoutSeconds", HANDSHAKE_TIMEOUT.toSeconds());
    out.put("secondsUntilAllOpen", open.get() == users.size()
        ? ResourceMonitor.round2((System.nanoTime() - start) / 1e9) : null);
    return out;
  }

  int openCount() {
    return open.get();
  }

  /** Waits (bounded) until at most {@code count} devices are open, after {@link #closeAllBut}. */
  void awaitOpenAtMost(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (open.get() > count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Closes the devices of users outside [0, keep): frees their sockets for other tests. */
  void closeAllBut(int keep) {
    for (int i = keep; i < connections.length; i++) {
      WebSocketConnection connection = connections[i];
      if (connection != null) {
        connections[i] = null;
        connection.close();
      }
    }
  }

  /** Event counts by kind (new messages, presence, receipts, errors) and close reasons. */
  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Long> eventCounts = new java.util.TreeMap<>();
    events.forEach((kind, count) -> eventCounts.put(kind, count.sum()));
    Map<String, Long> closeCounts = new java.util.TreeMap<>();
    closes.forEach((reason, count) -> closeCounts.put(reason, count.sum()));
    out.put("serverEvents", eventCounts);
    out.put("closedOrFailed", closeCounts);
    return out;
  }

  private void connect(int index) {
    BenchUser user = users.get(index);
    WebSocketConnection connection = loops[index % LOOPS].connect(server, null, "/ws?encoding=binary",
        user.accessToken, new Listener(index), HANDSHAKE_TIMEOUT);
    connections[index] = connection;
  }

  private final class Listener implements WebSocketListener {
    private final int index;

    Listener(int index) {
      this.index = index;
    }

    @Override
    public void onOpen(WebSocketConnection connection) {
      open.incrementAndGet();
    }

    @Override
    public void onBinary(WebSocketConnection connection, ByteBuffer payload) {
      long now = System.nanoTime();
      ServerEvent event;
      try {
        event = ServerEvent.parseFrom(payload);
      } catch (InvalidProtocolBufferException e) {
        count(events, "undecodable");
        return;
      }
      count(events, event.getEventCase().name().toLowerCase(java.util.Locale.ROOT));
      if (event.hasNewMessage()) {
        NewMessage message = event.getNewMessage();
        Sink target = sink;
        if (target != null) {
          target.onNewMessage(index, message, now);
        }
        if (ack) {
          connection.sendBinary(ClientEvent.newBuilder()
              .setAck(MessageAck.newBuilder()
                  .setMessageId(message.getMessageId())
                  .setConversationId(message.getConversationId()))
              .build()
              .toByteArray());
        }
      } else if (event.hasError()) {
        count(events, "error " + event.getError().getCode());
      }
    }

    @Override
    public void onText(WebSocketConnection connection, String text) {
      count(events, "text frame");
    }

    @Override
    public void onClose(WebSocketConnection connection, int code, String reason) {
      if (code != WebSocketConnection.FAILED) {
        open.decrementAndGet();
      } else if (reconnects[index] == 0) {
        firstAttemptFailures.incrementAndGet();
      }
      if (closing || connections[index] != connection) {
        return;
      }
      count(closes, code + " " + (reason.length() > 60 ? reason.substring(0, 60) : reason));
      if (reconnects[index] < MAX_RECONNECTS_PER_DEVICE) {
        reconnects[index]++;
        reconnector.schedule(() -> {
          if (!closing && connections[index] == connection) {
            connect(index);
          }
        }, RECONNECT_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private static void count(Map<String, LongAdder> counts, String key) {
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  @Override
  public void close() {
    closing = true;
    reconnector.shutdownNow();
    try {
      for (WebSocketLoop loop : loops) {
        loop.closeAll(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (WebSocketLoop loop : loops) {
      loop.close();
    }
  }
}
