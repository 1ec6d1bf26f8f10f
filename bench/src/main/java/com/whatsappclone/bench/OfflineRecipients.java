package com.whatsappclone.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.PushPlatform;
import com.whatsappclone.proto.auth.RegisterPushTokenRequest;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import com.whatsappclone.testing.push.FakeFcm;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Recipients whose app is closed: each signed in once through the gateway, with an FCM token
 * registered (RegisterPushToken) and no WebSocket, each in a one-to-one conversation with one of
 * a few senders. Messages go to them on a fixed timeline (open loop, spread over all recipients in
 * turn), and every push the {@link FakeFcm} accepts is matched to its message by the
 * {@code message_id} it carries: how many pushes, how soon after SendMessage's answer.
 */
final class OfflineRecipients {

  private static final Duration SEND_DEADLINE = Duration.ofSeconds(10);
  private static final int MAX_IN_FLIGHT = 20_000;

  /** One stretch of messages at one rate, and what became of them. */
  static final class Batch {
    final String name;
    final double rate;
    final int count;
    final int firstRecipient;
    volatile long startNanos;
    volatile long sendEndNanos;
    volatile long lastPushNanos;
    final AtomicLong pending = new AtomicLong();
    final LongAdder accepted = new LongAdder();
    /** Pushes for this batch's messages, the first push of a message, and later ones of the same. */
    final LongAdder pushes = new LongAdder();
    final LongAdder pushedMessages = new LongAdder();
    final LongAdder repeated = new LongAdder();
    final Recorder pushRecorder = new Recorder(Latency.HIGHEST_MICROS, 3);
    final Recorder rpcRecorder = new Recorder(Latency.HIGHEST_MICROS, 3);
    private final Histogram pushLatency = Latency.newHistogram();
    private final Histogram rpcLatency = Latency.newHistogram();
    private final Map<String, Integer> failures = new TreeMap<>();

    Batch(String name, double rate, int count, int firstRecipient) {
      this.name = name;
      this.rate = rate;
      this.count = count;
      this.firstRecipient = firstRecipient;
    }

    long dueNanos(int k) {
      return startNanos + (long) (k * 1e9 / rate);
    }

    void failed(String reason) {
      synchronized (failures) {
        failures.merge(reason, 1, Integer::sum);
      }
      pending.decrementAndGet();
    }

    /** What the recorders gathered so far, added to the totals (describing twice loses nothing). */
    synchronized Histogram[] latencies() {
      pushLatency.add(pushRecorder.getIntervalHistogram());
      rpcLatency.add(rpcRecorder.getIntervalHistogram());
      return new Histogram[] {pushLatency.copy(), rpcLatency.copy()};
    }

    Map<String, Integer> failures() {
      synchronized (failures) {
        return new TreeMap<>(failures);
      }
    }
  }

  /** A message the gateway accepted: when its answer came, and how many pushes named it. */
  private record Sent(Batch batch, long answeredNanos, AtomicInteger pushes) {}

  private final List<BenchUser> recipients;
  private final List<BenchUser> senders;
  private final String runTag;
  private final String[] conversations;
  private final String[] tokens;
  private final ChatServiceGrpc.ChatServiceFutureStub[] senderStubs;
  private final Gateway gateway;
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();
  /** Pushes that came before the bench had processed their message's answer (a race, rare). */
  private final Map<String, Long> early = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder unmatchedPushes = new LongAdder();
  private final String padding;
  private int nextRecipient;

  OfflineRecipients(Gateway gateway, List<BenchUser> recipients, List<BenchUser> senders, String runTag) {
    this.gateway = gateway;
    this.recipients = recipients;
    this.senders = senders;
    this.runTag = runTag;
    this.conversations = new String[recipients.size()];
    this.tokens = new String[recipients.size()];
    this.senderStubs = new ChatServiceGrpc.ChatServiceFutureStub[senders.size()];
    for (int s = 0; s < senders.size(); s++) {
      senderStubs[s] = Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()), senders.get(s).accessToken);
    }
    for (int r = 0; r < recipients.size(); r++) {
      tokens[r] = "bench-fcm-" + runTag + "-" + r;
    }
    this.padding = "x".repeat(80);
  }

  int size() {
    return recipients.size();
  }

  /** Every recipient registers its FCM token; each gets its conversation with its sender. */
  Map<String, Object> prepare() throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    ConcurrentCalls.Outcome registered = registerTokens(gateway, recipients, tokens);
    out.put("registerPushToken", registered.describe());
    ConcurrentCalls.Outcome created = ConcurrentCalls.run(recipients.size(), AuthBench.CONCURRENCY,
        Duration.ofMinutes(2), r -> Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()),
            senders.get(r % senders.size()).accessToken)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .createConversation(CreateConversationRequest.newBuilder()
                .addParticipantIds(recipients.get(r).id).build()),
        (r, response) -> conversations[r] = response.getConversation().getId());
    out.put("createConversation", created.describe());
    if (registered.succeeded() < recipients.size() || created.succeeded() < recipients.size()) {
      throw new IllegalStateException("offline recipients: " + registered.succeeded() + " tokens registered, "
          + created.succeeded() + " conversations created, of " + recipients.size() + ": "
          + registered.failures() + " " + created.failures());
    }
    return out;
  }

  /** RegisterPushToken (FCM) through the gateway for each user, {@code tokens[i]} for user i. */
  static ConcurrentCalls.Outcome registerTokens(Gateway gateway, List<BenchUser> users, String[] tokens)
      throws InterruptedException {
    return ConcurrentCalls.run(users.size(), AuthBench.CONCURRENCY, Duration.ofMinutes(2),
        i -> Gateway.authorized(AuthServiceGrpc.newFutureStub(gateway.channel()), users.get(i).accessToken)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .registerPushToken(RegisterPushTokenRequest.newBuilder()
                .setPlatform(PushPlatform.PUSH_PLATFORM_FCM).setToken(tokens[i]).build()),
        (i, response) -> { });
  }

  /** From now on every push {@code fcm} accepts is matched to the message it names. */
  void listenTo(FakeFcm fcm) {
    fcm.onReceived(this::onPush);
  }

  private void onPush(FakeFcm.Received push) {
    long now = System.nanoTime();
    String id = push.data().get("message_id");
    Sent message = id == null ? null : sent.get(id);
    if (message == null) {
      if (id != null && push.token().startsWith("bench-fcm-" + runTag + "-")) {
        early.put(id, now);
      } else {
        unmatchedPushes.increment();
      }
      return;
    }
    pushed(message, now);
  }

  private static void pushed(Sent message, long now) {
    Batch batch = message.batch();
    batch.pushes.increment();
    batch.lastPushNanos = now;
    if (message.pushes().getAndIncrement() == 0) {
      batch.pushedMessages.increment();
      batch.pushRecorder.recordValue(Latency.micros(Math.max(0, now - message.answeredNanos())));
    } else {
      batch.repeated.increment();
    }
  }

  /** Sends {@code rate} messages/s for {@code duration} on this thread (open loop); returns when sent, not answered. */
  Batch send(String name, double rate, Duration duration) {
    int count = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
    Batch batch = new Batch(name, rate, count, nextRecipient);
    nextRecipient = (nextRecipient + count) % recipients.size();
    batch.pending.set(count);
    batch.startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    for (int k = 0; k < count; k++) {
      long wait = batch.dueNanos(k) - System.nanoTime();
      if (wait > 50_000) {
        LockSupport.parkNanos(wait);
      }
      if (Thread.currentThread().isInterrupted()) {
        for (int rest = k; rest < count; rest++) {
          batch.failed("NOT_SENT (interrupted)");
        }
        break;
      }
      if (inFlight.get() >= MAX_IN_FLIGHT) {
        batch.failed("NOT_SENT (client has " + MAX_IN_FLIGHT + " calls waiting)");
        continue;
      }
      sendOne(batch, k);
    }
    batch.sendEndNanos = System.nanoTime();
    return batch;
  }

  private void sendOne(Batch batch, int k) {
    int recipient = (batch.firstRecipient + k) % recipients.size();
    SendMessageRequest request = SendMessageRequest.newBuilder()
        .setConversationId(conversations[recipient])
        .setContent("p|" + runTag + "|" + batch.name + "|" + k + "|" + padding)
        .setClientMessageId(runTag + "-p-" + batch.name + "-" + k)
        .build();
    inFlight.incrementAndGet();
    try {
      Futures.addCallback(senderStubs[recipient % senderStubs.length]
          .withDeadlineAfter(SEND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).sendMessage(request),
          new FutureCallback<SendMessageResponse>() {
            @Override
            public void onSuccess(SendMessageResponse response) {
              long now = System.nanoTime();
              inFlight.decrementAndGet();
              batch.rpcRecorder.recordValue(Latency.micros(now - batch.dueNanos(k)));
              String id = response.getMessage().getId();
              Sent message = new Sent(batch, now, new AtomicInteger());
              sent.put(id, message);
              batch.accepted.increment();
              batch.pending.decrementAndGet();
              Long pushedAt = early.remove(id);
              if (pushedAt != null) {
                pushed(message, now);
              }
            }

            @Override
            public void onFailure(Throwable t) {
              inFlight.decrementAndGet();
              batch.failed(Status.fromThrowable(t).getCode().name());
            }
          }, MoreExecutors.directExecutor());
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      batch.failed(e.getClass().getSimpleName());
    }
  }

  /**
   * Waits until every send is answered and every accepted message has had a push, or no push came
   * for {@code quiet} (collapsed ones never get their own), at most {@code limit}. Returns the
   * seconds waited.
   */
  static double drain(Batch batch, Duration quiet, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (System.nanoTime() < deadline) {
      boolean answered = batch.pending.get() <= 0;
      if (answered && batch.pushedMessages.sum() >= batch.accepted.sum()) {
        break;
      }
      long last = Math.max(batch.lastPushNanos, batch.sendEndNanos);
      if (answered && System.nanoTime() - last > quiet.toNanos()) {
        break;
      }
      Thread.sleep(20);
    }
    return ResourceMonitor.round2((System.nanoTime() - start) / 1e9);
  }

  long unmatchedPushes() {
    return unmatchedPushes.sum();
  }

  /** The batch's figures: sends, pushes, their rate, latency from SendMessage's answer, pushes per message. */
  static Map<String, Object> describe(Batch batch) {
    Map<String, Object> out = new LinkedHashMap<>();
    long accepted = batch.accepted.sum();
    long pushes = batch.pushes.sum();
    double sendSeconds = Math.max(1e-3, (batch.sendEndNanos - batch.startNanos) / 1e9);
    double pushWindow = Math.max(sendSeconds, (batch.lastPushNanos - batch.startNanos) / 1e9);
    Histogram[] latencies = batch.latencies();
    Histogram push = latencies[0];
    Histogram rpc = latencies[1];
    out.put("offeredPerSecond", batch.rate);
    out.put("messages", batch.count);
    out.put("sendSecondsActual", ResourceMonitor.round2(sendSeconds));
    out.put("messagesAccepted", accepted);
    out.put("acceptedPerSecond", ResourceMonitor.round2(accepted / sendSeconds));
    out.put("sendFailures", batch.failures());
    out.put("sendsUnanswered", Math.max(0, batch.pending.get()));
    out.put("pushes", pushes);
    out.put("pushesPerSecond", pushes == 0 ? 0.0 : ResourceMonitor.round2(pushes / pushWindow));
    out.put("messagesPushed", batch.pushedMessages.sum());
    out.put("pushesPerMessage", accepted == 0 ? null : Math.round(pushes * 1000.0 / accepted) / 1000.0);
    out.put("repeatedPushes", batch.repeated.sum());
    out.put("pushLatency", Latency.summary(push));
    out.put("sendMessageLatency", Latency.summary(rpc));
    return out;
  }
}
