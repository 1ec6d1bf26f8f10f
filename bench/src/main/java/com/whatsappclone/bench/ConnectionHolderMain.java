package com.whatsappclone.bench;

import com.whatsappclone.bench.ws.WebSocketConnection;
import com.whatsappclone.bench.ws.WebSocketListener;
import com.whatsappclone.bench.ws.WebSocketLoop;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of the connection-capacity test, in its own process so that its sockets count
 * against its own file limit and its objects not against the server's heap. Opens up to
 * {@code --count} authenticated WebSocket connections (fewer if its own file limit leaves less room:
 * it says {@code capped count=N ...} first; paced, spread over several 127.0.0.x source
 * addresses so the ephemeral port range is not the limit), holds them idle (answering pings) and
 * closes them when its parent writes "close", when its input ends (the parent died), or when
 * {@code --hold-seconds} have passed. "shrink N" closes connections until N are left (the parent
 * measures the heap at two counts, so that whatever else the heap holds cancels out). A connection
 * the server closes with 1013, or whose handshake it refuses with 503 (too busy to start it, try
 * again later), is opened again about a second later, up to 3 times, as the app does:
 * {@code retried} counts those reopenings and {@code closed} the connections closed for good.
 *
 * <p>Speaks in lines on stdout: {@code progress ...} every second while connecting, then
 * {@code reached open=N failed=F closed=C retried=R reason=...}, {@code shrunk open=N} after a shrink, then
 * {@code closed} before exiting. With {@code --await-message-seconds=S} (the auth bench's storm,
 * whose every user is sent a message while its devices connect) it then waits up to S seconds for
 * every open device to have received a new message, live or in its catch-up, and says
 * {@code received devices=N open=M seconds=...} (from the first connect to the last device's first
 * message) with the p50/p99 of each device's first message.
 */
public final class ConnectionHolderMain {

  private static final int LOOPS = 2;
  private static final int IN_FLIGHT = 256;
  private static final int MAX_FAILURES = 200;
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);
  /**
   * A connection the server closes with 1013 ("try again later": it was too busy to start it) is
   * opened again after about this long, as the app does, at most {@link #RETRIES_PER_DEVICE} times.
   */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final int RETRIES_PER_DEVICE = 3;
  private static final int TRY_AGAIN_LATER = 1013;
  /** How the client names a handshake the server refused because it was too busy (HTTP 503). */
  private static final String SERVER_BUSY_REFUSAL = "upgrade refused: HTTP/1.1 503";
  /** Descriptors this process keeps free beyond the ones open at the start (selectors, stdout). */
  private static final int DESCRIPTOR_RESERVE = 24;

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger closedByServer = new AtomicInteger();
  private final AtomicInteger handshaking = new AtomicInteger();
  private final AtomicInteger retried = new AtomicInteger();
  /** Devices to open again: {device index, attempts so far, due nanoTime}. */
  private final ConcurrentLinkedQueue<long[]> retries =
      new ConcurrentLinkedQueue<>();
  private final AtomicReference<String> lastProblem = new AtomicReference<>("");
  private final ConcurrentLinkedDeque<WebSocketConnection> opened = new ConcurrentLinkedDeque<>();
  /** From the connect call to the 101 answer, per opened connection (the auth bench's storm reads it). */
  private final org.HdrHistogram.Histogram handshakes = Latency.newHistogram();
  /** From the first connect to each device's first new message. */
  private final org.HdrHistogram.Histogram firstMessages = Latency.newHistogram();
  private final AtomicInteger received = new AtomicInteger();
  private volatile long startNanos;
  private volatile long lastFirstMessageNanos;
  private volatile boolean closing;

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      options.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    String ws = options.get("ws");
    int colon = ws.lastIndexOf(':');
    InetSocketAddress server = new InetSocketAddress(ws.substring(0, colon), Integer.parseInt(ws.substring(colon + 1)));
    List<String> tokens = Files.readAllLines(Path.of(options.get("tokens")), StandardCharsets.US_ASCII);
    int count = Integer.parseInt(options.get("count"));
    // One descriptor per connection here too: never more than this process's own limit leaves.
    long limit = ResourceMonitor.openFileLimit();
    long inUse = ResourceMonitor.openFileDescriptors();
    if (limit > 0 && limit != Long.MAX_VALUE && inUse >= 0 && count > limit - inUse - DESCRIPTOR_RESERVE) {
      count = (int) Math.max(0, limit - inUse - DESCRIPTOR_RESERVE);
      say("capped count=" + count + " limit=" + limit + " inUse=" + inUse);
    }
    int sources = Integer.parseInt(options.get("sources"));
    int rate = Integer.parseInt(options.get("rate"));
    Duration connectFor = Duration.ofSeconds(Long.parseLong(options.get("connect-seconds")));
    Duration holdFor = Duration.ofSeconds(Long.parseLong(options.get("hold-seconds")));
    Duration awaitMessage = Duration.ofSeconds(Long.parseLong(options.getOrDefault("await-message-seconds", "0")));
    new ConnectionHolderMain().run(server, tokens, count, sources, rate, connectFor, holdFor, awaitMessage);
  }

  private void run(InetSocketAddress server, List<String> tokens, int count, int sources, int rate,
      Duration connectFor, Duration holdFor, Duration awaitMessage) throws Exception {
    InetAddress[] locals = sourceAddresses(server, sources);
    WebSocketLoop[] loops = new WebSocketLoop[LOOPS];
    for (int i = 0; i < LOOPS; i++) {
      loops[i] = new WebSocketLoop("holder-" + i);
    }
    CountDownLatch release = new CountDownLatch(1);
    Thread stdin = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("close")) {
          if (line.startsWith("shrink ")) {
            shrink(Integer.parseInt(line.substring("shrink ".length()).trim()));
          }
        }
      } catch (IOException e) {
        // the parent is gone: close as well
      }
      release.countDown();
    }, "holder-stdin");
    stdin.setDaemon(true);
    stdin.start();

    long start = System.nanoTime();
    startNanos = start;
    long connectDeadline = start + connectFor.toNanos();
    long nextReport = start + 1_000_000_000L;
    int attempted = 0;
    String reason;
    while (true) {
      long now = System.nanoTime();
      if (open.get() >= count) {
        reason = "target reached";
        break;
      }
      if (failed.get() >= MAX_FAILURES) {
        reason = failed.get() + " connection attempts failed, last: " + lastProblem.get();
        break;
      }
      if (now > connectDeadline) {
        reason = "connect time limit (" + connectFor.toSeconds() + " s) reached";
        break;
      }
      if (release.getCount() == 0) {
        reason = "stopped by the parent";
        break;
      }
      if (attempted >= count && handshaking.get() == 0 && retries.isEmpty()) {
        reason = "every attempt answered; " + (count - open.get()) + " not open, last problem: " + lastProblem.get();
        break;
      }
      for (long[] retry = retries.peek(); retry != null && retry[2] <= now && handshaking.get() < IN_FLIGHT;
          retry = retries.peek()) {
        retries.poll();
        retried.incrementAndGet();
        connect(loops, locals, server, tokens, (int) retry[0], (int) retry[1]);
      }
      long allowedByRate = (long) ((now - start) / 1e9 * rate) + 1;
      while (attempted < count && attempted < allowedByRate && handshaking.get() < IN_FLIGHT) {
        connect(loops, locals, server, tokens, attempted, 0);
        attempted++;
      }
      if (now > nextReport) {
        nextReport += 1_000_000_000L;
        say("progress open=" + open.get() + " failed=" + failed.get() + " closed=" + closedByServer.get()
            + " attempted=" + attempted);
      }
      Thread.sleep(5);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    say(String.format(java.util.Locale.ROOT,
        "reached open=%d failed=%d closed=%d retried=%d seconds=%.2f handshakeP50Ms=%.1f handshakeP99Ms=%.1f reason=%s",
        open.get(), failed.get(), closedByServer.get(), retried.get(), seconds, millisAt(handshakes, 50),
        millisAt(handshakes, 99), reason));

    if (!awaitMessage.isZero()) {
      awaitMessages(awaitMessage);
    }

    long holdDeadline = System.nanoTime() + holdFor.toNanos();
    while (release.getCount() > 0 && System.nanoTime() < holdDeadline) {
      release.await(5, TimeUnit.SECONDS);
      say("holding open=" + open.get() + " closed=" + closedByServer.get());
    }
    closing = true;
    for (WebSocketLoop loop : loops) {
      loop.closeAll(Duration.ofSeconds(20));
    }
    for (WebSocketLoop loop : loops) {
      loop.close();
    }
    say("closed");
    System.exit(0);
  }

  private void connect(WebSocketLoop[] loops, InetAddress[] locals, InetSocketAddress server, List<String> tokens,
      int device, int attempts) {
    handshaking.incrementAndGet();
    InetAddress local = locals == null ? null : locals[device % locals.length];
    loops[device % LOOPS].connect(server, local, "/ws?encoding=binary", tokens.get(device % tokens.size()),
        new Listener(System.nanoTime(), device, attempts), HANDSHAKE_TIMEOUT);
  }

  /** Waits until every open device has had a new message, or {@code limit}; says how it went. */
  private void awaitMessages(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (received.get() < open.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double seconds = received.get() == 0 ? 0 : (lastFirstMessageNanos - startNanos) / 1e9;
    say(String.format(java.util.Locale.ROOT,
        "received devices=%d open=%d seconds=%.2f firstMessageP50Ms=%.1f firstMessageP99Ms=%.1f",
        received.get(), open.get(), seconds, millisAt(firstMessages, 50), millisAt(firstMessages, 99)));
  }

  /** A percentile of a histogram the listeners record into (hence the lock), in ms; 0 when empty. */
  private static double millisAt(org.HdrHistogram.Histogram histogram, double percentile) {
    synchronized (histogram) {
      return histogram.getTotalCount() == 0 ? 0 : Latency.millis(histogram.getValueAtPercentile(percentile));
    }
  }

  /** Closes the newest connections until {@code keep} are open. */
  private void shrink(int keep) {
    while (open.get() > keep) {
      WebSocketConnection newest = opened.pollLast();
      if (newest == null) {
        break;
      }
      open.decrementAndGet();
      newest.attach(Boolean.TRUE);
      newest.close();
    }
    say("shrunk open=" + open.get());
  }

  /** 127.0.0.2 .. 127.0.0.(1+n) when the server is on loopback; otherwise the system chooses. */
  private static InetAddress[] sourceAddresses(InetSocketAddress server, int n) throws IOException {
    if (server.getAddress() == null || !server.getAddress().isLoopbackAddress()) {
      return null;
    }
    InetAddress[] out = new InetAddress[n];
    for (int i = 0; i < n; i++) {
      out[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
    }
    return out;
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }

  private final class Listener implements WebSocketListener {
    private final long startedNanos;
    private final int device;
    private final int attempts;
    private boolean answered;
    private boolean gotMessage;

    Listener(long startedNanos, int device, int attempts) {
      this.startedNanos = startedNanos;
      this.device = device;
      this.attempts = attempts;
    }

    @Override
    public void onOpen(WebSocketConnection connection) {
      long elapsed = System.nanoTime() - startedNanos;
      synchronized (handshakes) {
        handshakes.recordValue(Latency.micros(elapsed));
      }
      answer();
      open.incrementAndGet();
      opened.add(connection);
    }

    @Override
    public void onBinary(WebSocketConnection connection, java.nio.ByteBuffer payload) {
      if (gotMessage) {
        return;
      }
      try {
        if (ServerEvent.parseFrom(payload).hasNewMessage()) {
          gotMessage = true;
          long now = System.nanoTime();
          lastFirstMessageNanos = now;
          synchronized (firstMessages) {
            firstMessages.recordValue(Latency.micros(now - startNanos));
          }
          received.incrementAndGet();
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        lastProblem.set("an event that does not parse: " + e.getMessage());
      }
    }

    @Override
    public void onClose(WebSocketConnection connection, int code, String reason) {
      if (!answered) {
        answer();
        lastProblem.set(reason);
        if (reason.startsWith(SERVER_BUSY_REFUSAL) && attempts < RETRIES_PER_DEVICE) {
          retryLater();
        } else {
          failed.incrementAndGet();
        }
      } else if (!closing && connection.attachment() == null) {
        opened.remove(connection);
        open.decrementAndGet();
        lastProblem.set("closed by the server: " + code + " " + reason);
        if (code == TRY_AGAIN_LATER && attempts < RETRIES_PER_DEVICE) {
          retryLater();
        } else {
          closedByServer.incrementAndGet();
        }
      }
    }

    private void retryLater() {
      long jitter = ThreadLocalRandom.current().nextLong(RETRY_AFTER.toNanos() / 2);
      retries.add(new long[] {device, attempts + 1, System.nanoTime() + RETRY_AFTER.toNanos() + jitter});
    }

    private void answer() {
      answered = true;
      handshaking.decrementAndGet();
    }
  }
}
