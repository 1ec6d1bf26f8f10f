package com.whatsappclone.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.bench.ws.WebSocketConnection;
import com.whatsappclone.bench.ws.WebSocketListener;
import com.whatsappclone.bench.ws.WebSocketLoop;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.MessageAck;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.ServerEvent;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fault suite's load for one scenario: fresh users in one-to-one conversations, each user's
 * device connected over WebSocket (spread over both realtime instances, moving to the other one
 * whenever its connection closes, as an app with two addresses would), acking every message; and
 * SendMessage through the gateway at a steady rate, each message under its own client_message_id,
 * tried again under the same id (5 s deadline per try, short backoff) until it is acknowledged.
 * It records what every try answered and when, and what every device received.
 */
final class FaultLoad implements AutoCloseable {

  static final Duration TRY_DEADLINE = Duration.ofSeconds(5);
  private static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  static final int MAX_IN_FLIGHT_PER_SENDER = 8;

  /** One try of one SendMessage: when it started and ended (System.nanoTime) and its status code. */
  record Attempt(long startNanos, long endNanos, String code) {}

  /** A message the load sends until it is acknowledged. */
  static final class Outgoing {
    final int sender;
    final int conversation;
    final String clientMessageId = UUID.randomUUID().toString();
    final String content;
    int tries;
    volatile String messageId;

    Outgoing(int sender, int conversation, String content) {
      this.sender = sender;
      this.conversation = conversation;
      this.content = content;
    }
  }

  private final FaultStack stack;
  private final int rate;
  private final List<BenchUser> users;
  private final String[] conversationIds;
  private final Set<String> conversationSet = ConcurrentHashMap.newKeySet();
  private final Gateway gateway;
  private ChatServiceGrpc.ChatServiceFutureStub[] stubs;
  private final ScheduledExecutorService scheduler;
  private final WebSocketLoop[] loops = {new WebSocketLoop("faults-ws-0"), new WebSocketLoop("faults-ws-1")};
  private final Device[] devices;
  private final Outbox[] outboxes;
  private volatile boolean closing;
  private volatile boolean sending;
  private long sendStartNanos;
  private long generated;

  final List<Outgoing> outgoing = java.util.Collections.synchronizedList(new ArrayList<>());
  final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  final Map<String, LongAdder> codes = new ConcurrentHashMap<>();
  final AtomicInteger pendingSends = new AtomicInteger();
  /** message id -> first arrival at its recipient (System.nanoTime). */
  final Map<String, Long> delivered = new ConcurrentHashMap<>();
  final LongAdder redelivered = new LongAdder();
  /** message id -> its conversation's index (user 2i and 2i+1 share conversation i). */
  final Map<String, Integer> deliveredConversation = new ConcurrentHashMap<>();
  /** message ids whose sender saw a "delivered" event. */
  final Set<String> receiptsSeen = ConcurrentHashMap.newKeySet();
  final Map<String, LongAdder> serverErrors = new ConcurrentHashMap<>();
  final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
  final AtomicLong opened = new AtomicLong();

  FaultLoad(FaultStack stack, int users, int rate) {
    this.stack = stack;
    this.rate = rate;
    this.users = AuthBench.newUsers(users);
    this.conversationIds = new String[users / 2];
    this.gateway = new Gateway(stack.gatewayTarget());
    this.devices = new Device[users];
    this.outboxes = new Outbox[users];
    for (int i = 0; i < users; i++) {
      outboxes[i] = new Outbox();
    }
    this.scheduler = Executors.newScheduledThreadPool(2, task -> {
      Thread thread = new Thread(task, "faults-load");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Signs the users in, creates the conversations (user 2i with 2i+1) and connects every device. */
  void prepare() throws Exception {
    ConcurrentCalls.Outcome signIn = AuthBench.signIn(gateway, users);
    if (signIn.succeeded() != users.size()) {
      throw new IllegalStateException("sign-in failed: " + signIn.failures());
    }
    stubs = new ChatServiceGrpc.ChatServiceFutureStub[users.size()];
    for (int i = 0; i < users.size(); i++) {
      stubs[i] = Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()), users.get(i).accessToken);
    }
    for (int c = 0; c < conversationIds.length; c++) {
      conversationIds[c] = stubs[2 * c].withDeadlineAfter(10, TimeUnit.SECONDS)
          .createConversation(CreateConversationRequest.newBuilder().addParticipantIds(users.get(2 * c + 1).id).build())
          .get().getConversation().getId();
      conversationSet.add(conversationIds[c]);
    }
    for (int i = 0; i < users.size(); i++) {
      devices[i] = new Device(i, i % 2);
      devices[i].connect();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (opened.get() < users.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (opened.get() < users.size()) {
      throw new IllegalStateException("only " + opened.get() + " of " + users.size() + " devices connected");
    }
  }

  String[] conversationIds() {
    return conversationIds.clone();
  }

  /** Starts sending at the rate, open loop: due messages are sent whether earlier ones were answered or not. */
  void startSending() {
    sending = true;
    sendStartNanos = System.nanoTime();
    scheduler.scheduleAtFixedRate(this::sendDue, 0, 10, TimeUnit.MILLISECONDS);
  }

  /** No new messages from now on; the unacknowledged ones are still tried. */
  void stopSending() {
    sending = false;
  }

  private void sendDue() {
    if (!sending) {
      return;
    }
    long due = (System.nanoTime() - sendStartNanos) * rate / 1_000_000_000L;
    while (generated < due) {
      long k = generated++;
      int sender = (int) (k % users.size());
      Outgoing message = new Outgoing(sender, sender / 2, "fault|" + k);
      outgoing.add(message);
      pendingSends.incrementAndGet();
      synchronized (outboxes[sender]) {
        outboxes[sender].waiting.add(message);
      }
      pump(sender);
    }
  }

  /**
   * A sender's unsent messages, as an app's outbox: at most {@link #MAX_IN_FLIGHT_PER_SENDER}
   * messages are being tried (or waiting for their next try) at once, the rest wait their turn.
   * Without it 20 senders would retry thousands of messages after a long outage: a retry storm
   * of the suite's own making.
   */
  private static final class Outbox {
    final java.util.ArrayDeque<Outgoing> waiting = new java.util.ArrayDeque<>();
    int inFlight;
  }

  private void pump(int sender) {
    List<Outgoing> start = new ArrayList<>();
    synchronized (outboxes[sender]) {
      Outbox box = outboxes[sender];
      while (box.inFlight < MAX_IN_FLIGHT_PER_SENDER && !box.waiting.isEmpty()) {
        box.inFlight++;
        start.add(box.waiting.poll());
      }
    }
    start.forEach(this::attempt);
  }

  private void done(Outgoing message) {
    synchronized (outboxes[message.sender]) {
      outboxes[message.sender].inFlight--;
    }
    pump(message.sender);
  }

  private void attempt(Outgoing message) {
    if (closing) {
      return;
    }
    message.tries++;
    long start = System.nanoTime();
    SendMessageRequest request = SendMessageRequest.newBuilder()
        .setConversationId(conversationIds[message.conversation])
        .setContent(message.content)
        .setClientMessageId(message.clientMessageId)
        .build();
    Futures.addCallback(stubs[message.sender].withDeadlineAfter(TRY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .sendMessage(request), new FutureCallback<SendMessageResponse>() {
          @Override
          public void onSuccess(SendMessageResponse response) {
            record(start, "OK");
            message.messageId = response.getMessage().getId();
            pendingSends.decrementAndGet();
            done(message);
          }

          @Override
          public void onFailure(Throwable t) {
            Status.Code code = Status.fromThrowable(t).getCode();
            record(start, code.name());
            if (code == Status.Code.UNAVAILABLE) {
              // as an app would on "no connection": try the address again now, not after gRPC's growing backoff
              gateway.channel().resetConnectBackoff();
            }
            // the same client_message_id again after 250 ms, 500 ms, 1 s, then every 2 s, +-20 %
            // (RetryInfo of a refusal says 250 ms; a client hammering an overloaded chat would
            // measure its own retry storm)
            long backoff = Math.min(2000, 250L << Math.min(3, message.tries - 1));
            backoff = (long) (backoff * (0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
            if (!closing) {
              scheduler.schedule(() -> attempt(message), backoff, TimeUnit.MILLISECONDS);
            }
          }
        }, MoreExecutors.directExecutor());
  }

  private void record(long start, String code) {
    attempts.add(new Attempt(start, System.nanoTime(), code));
    codes.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  /** One user's device: one WebSocket at a time, to realtime instance 0 or 1. */
  private final class Device {
    private final int index;
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int instance;
    private volatile WebSocketConnection connection;

    Device(int index, int instance) {
      this.index = index;
      this.instance = instance;
    }

    /**
     * A refused connection can be closed on the loop thread before {@code connect} returns here, so
     * the close is matched to its attempt by number, not by the connection field (which would still
     * hold the previous connection, and the device would never try again).
     */
    void connect() {
      int attempt = attempts.incrementAndGet();
      connection = loops[index % loops.length].connect(stack.webSocket(instance), null, "/ws?encoding=binary",
          users.get(index).accessToken, new ConnectionAttempt(this, attempt), HANDSHAKE_TIMEOUT);
    }

    void onOpen() {
      opened.incrementAndGet();
    }

    void onBinary(WebSocketConnection c, ByteBuffer payload) {
      ServerEvent event;
      try {
        event = ServerEvent.parseFrom(payload);
      } catch (InvalidProtocolBufferException e) {
        count(serverErrors, "undecodable frame");
        return;
      }
      String me = users.get(index).id;
      if (event.hasNewMessage()) {
        NewMessage message = event.getNewMessage();
        if (!conversationSet.contains(message.getConversationId()) || message.getSenderId().equals(me)) {
          return;
        }
        deliveredConversation.putIfAbsent(message.getMessageId(), index / 2);
        if (delivered.putIfAbsent(message.getMessageId(), System.nanoTime()) != null) {
          redelivered.increment();
        }
        c.sendBinary(ClientEvent.newBuilder()
            .setAck(MessageAck.newBuilder().setMessageId(message.getMessageId())
                .setConversationId(message.getConversationId()))
            .build().toByteArray());
      } else if (event.hasDelivered()) {
        if (!event.getDelivered().getUserId().equals(me)) {
          receiptsSeen.add(event.getDelivered().getMessageId());
        }
      } else if (event.hasError()) {
        count(serverErrors, event.getError().getCode() + " " + event.getError().getReason());
      }
    }

    void onClose(int attempt, int code, String reason) {
      if (closing || attempt != attempts.get()) {
        return;
      }
      count(closes, code + " " + (reason.length() > 50 ? reason.substring(0, 50) : reason).toLowerCase(Locale.ROOT));
      // The instance that closed (or refused) it is likely down: the other one next.
      instance = 1 - instance;
      scheduler.schedule(() -> {
        if (!closing) {
          connect();
        }
      }, RECONNECT_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The listener of one connection attempt of a device. */
  private record ConnectionAttempt(Device device, int number) implements WebSocketListener {
    @Override
    public void onOpen(WebSocketConnection c) {
      device.onOpen();
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer payload) {
      device.onBinary(c, payload);
    }

    @Override
    public void onClose(WebSocketConnection c, int code, String reason) {
      device.onClose(number, code, reason);
    }
  }

  private static void count(Map<String, LongAdder> counts, String key) {
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Devices connected to each instance now (by where their current connection goes). */
  int[] devicesPerInstance() {
    int[] out = new int[2];
    for (Device d : devices) {
      if (d != null) {
        out[d.instance]++;
      }
    }
    return out;
  }

  @Override
  public void close() {
    closing = true;
    sending = false;
    scheduler.shutdownNow();
    for (WebSocketLoop loop : loops) {
      try {
        loop.closeAll(Duration.ofSeconds(3));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      loop.close();
    }
    gateway.close();
  }
}
