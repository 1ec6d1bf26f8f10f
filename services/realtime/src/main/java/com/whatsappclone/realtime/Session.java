package com.whatsappclone.realtime;

import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.common.text.Ids;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One connected device, whichever door it came through: its user, its bounded outgoing queue and
 * its place in the offline catch-up.
 *
 * <p>Delivery model. Events wait in {@link #outbound} until the transport can take them
 * ({@link #drain()} runs when it becomes writable again). When a slow client lets the queue reach
 * its limit, the connection is closed with the transport's overflow signal and the queue dropped:
 * never a silent drop of single events. The client reconnects and the catch-up resends every
 * message it has not acknowledged.
 *
 * <p>Catch-up seam. A session starts "catching up": live messages that arrive meanwhile are held
 * back in {@link #held}. The catch-up reads the undelivered messages from PostgreSQL after the
 * session was registered, sends them, then {@link #finishCatchUp()} sends the held ones, skipping
 * ids already sent, and switches to live. A message stored before the read is in the read; one
 * stored after it is published after it, so it reaches the (already registered) session live:
 * no gap. The id set drops what both paths saw: no duplicate.
 *
 * <p>Receipts. Its acks and read receipts wait in {@link #receipts}, coalesced by message, for the
 * {@link ReceiptWriter}; they are not frames of its inbox, so a backlog of other frames never
 * refuses one. The catch-up also waits for them ({@link #resumeWhenDrained}).
 *
 * <p>Credentials. The session holds the claims of the access token it was opened with, or of the
 * one the client last renewed them with ({@link #reauthenticate}); the service ends it at their
 * {@code exp} or when their session is revoked.
 */
final class Session {

  private static final int RECENT_IDS = 512;

  private final String id;
  private final String userId;
  /** The same id parsed once (admission refused tokens whose subject is not a UUID). */
  private final UUID user;
  private volatile TokenClaims claims;
  /** The token's sid: the signed-in device, whose receipt cursor this session moves. */
  private final Optional<UUID> device;
  /** Whether the receipt catch-up is done, so the device's cursor may move on. */
  private volatile boolean receiptsCurrent;
  private final Transport transport;
  private final SerialExecutor inbox;
  private final PendingReceipts receipts;
  private final int outboundLimit;
  private final int lowWatermark;
  private final Consumer<Session> onOverflow;
  private final RealtimeMetrics metrics;

  /** What is counted when an event is handed to the transport. */
  private enum Path { OTHER, LIVE, CATCH_UP }

  /** A queued event; a live message keeps chat's accept time for the latency. */
  private record Outgoing(ServerEvent event, Path path, long createdAtMicros) {
    static Outgoing other(ServerEvent event) {
      return new Outgoing(event, Path.OTHER, 0);
    }

    static Outgoing message(NewMessage message, Path path, long createdAtMicros) {
      return new Outgoing(ServerEvent.newBuilder().setNewMessage(message).build(), path, createdAtMicros);
    }
  }

  /** A live message held back during the catch-up. */
  private record Held(NewMessage message, long createdAtMicros) {}

  private final Object lock = new Object();
  private final ArrayDeque<Outgoing> outbound = new ArrayDeque<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  /** Messages the catch-up queued so far. */
  private int caughtUp;
  private final RecentIds sentMessageIds;
  private boolean catchingUp = true;
  private boolean closed;
  private Runnable whenDrained;

  /**
   * @param receiptLimit distinct acks and read receipts that may wait for the writer (see
   *                     {@link PendingReceipts})
   * @param onOverflow   told (outside any lock) when this session closed itself because its queue
   *                     overflowed, so the service can unregister it
   * @param metrics      counts the message frames handed to the transport
   */
  Session(String id, TokenClaims claims, Transport transport, SerialExecutor inbox, int outboundLimit,
      int receiptLimit, Consumer<Session> onOverflow, RealtimeMetrics metrics) {
    this.id = id;
    this.userId = claims.userId();
    this.user = UUID.fromString(userId);
    this.claims = claims;
    this.device = claims.sessionId().flatMap(Ids::tryParse);
    this.transport = transport;
    this.inbox = inbox;
    this.receipts = new PendingReceipts(receiptLimit);
    this.outboundLimit = outboundLimit;
    this.lowWatermark = outboundLimit / 4;
    this.onOverflow = onOverflow;
    this.metrics = metrics;
    // Duplicates come from the catch-up seam and from worker redeliveries, both recent: the last
    // 512 ids cover them at about 60 KB per connection. A client still dedups by message id
    // (a redelivery of something older than that window can reach it twice).
    this.sentMessageIds = new RecentIds(RECENT_IDS);
  }

  String id() {
    return id;
  }

  /** The user's id as events carry it. */
  String userId() {
    return userId;
  }

  /** The user's id as the stores take it. */
  UUID user() {
    return user;
  }

  Transport transport() {
    return transport;
  }

  /** The signed-in device (the token's sid), when the token names one. */
  Optional<UUID> device() {
    return device;
  }

  /** The receipt catch-up sent everything up to now; from here on the receipts come live. */
  void receiptsCaughtUp() {
    receiptsCurrent = true;
  }

  /** Whether the device's receipt cursor may be moved to "now" (see {@link #receiptsCaughtUp}). */
  boolean receiptsAreCurrent() {
    return receiptsCurrent && device.isPresent();
  }

  /** The claims of the access token the connection currently stands on. */
  TokenClaims claims() {
    return claims;
  }

  /** Renews the credentials with another valid token of the same user. */
  void reauthenticate(TokenClaims renewed) {
    if (!renewed.userId().equals(userId)) {
      throw new IllegalArgumentException("a session's credentials cannot change user");
    }
    this.claims = renewed;
  }

  /** Runs this connection's work in order, off the transport's I/O threads. */
  SerialExecutor inbox() {
    return inbox;
  }

  /** Its acks and read receipts waiting to be written. */
  PendingReceipts receipts() {
    return receipts;
  }

  /** Queues any event other than a live NewMessage (pong, typing, receipts, errors). */
  void send(ServerEvent event) {
    boolean overflow;
    synchronized (lock) {
      if (closed) {
        return;
      }
      overflow = !enqueueLocked(Outgoing.other(event));
    }
    afterEnqueue(overflow);
  }

  /**
   * A NewMessage from the live stream: held back while catching up, deduplicated always.
   *
   * @param createdAtMicros when chat accepted it (the stored event's created_at_micros)
   */
  void offerLive(NewMessage message, long createdAtMicros) {
    boolean overflow = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (catchingUp) {
        if (held.size() >= outboundLimit) {
          overflow = true;
          closeLocked();
        } else {
          held.add(new Held(message, createdAtMicros));
        }
      } else if (sentMessageIds.add(message.getMessageId())) {
        overflow = !enqueueLocked(Outgoing.message(message, Path.LIVE, createdAtMicros));
      }
    }
    afterEnqueue(overflow);
  }

  /** A NewMessage read by the catch-up. */
  void sendCaughtUp(NewMessage message) {
    boolean overflow = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (sentMessageIds.add(message.getMessageId())) {
        caughtUp++;
        overflow = !enqueueLocked(Outgoing.message(message, Path.CATCH_UP, 0));
      }
    }
    afterEnqueue(overflow);
  }

  /** Sends the live messages held during the catch-up (minus those it sent) and goes live. */
  void finishCatchUp() {
    boolean overflow = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      metrics.caughtUp(caughtUp);
      while (!held.isEmpty() && !overflow) {
        Held live = held.poll();
        if (sentMessageIds.add(live.message().getMessageId())) {
          overflow = !enqueueLocked(Outgoing.message(live.message(), Path.LIVE, live.createdAtMicros()));
        }
      }
      held.clear();
      catchingUp = false;
    }
    afterEnqueue(overflow);
  }

  /**
   * Paces the catch-up: when the queue is at most a quarter full and so are the receipts waiting
   * for the writer, returns {@code false} and the caller goes on now; otherwise remembers
   * {@code resume}, runs it once the client has taken most of the queue and its receipts were
   * written ({@link #drain}, {@link #receiptsWritten}), and returns {@code true}.
   */
  boolean resumeWhenDrained(Runnable resume) {
    synchronized (lock) {
      if (closed || caughtUpWithLocked()) {
        return false;
      }
      whenDrained = resume;
      return true;
    }
  }

  /** Hands queued events to the transport while it can take them. Called when it is writable. */
  void drain() {
    Runnable resume = null;
    synchronized (lock) {
      if (closed) {
        return;
      }
      drainLocked();
      resume = takeResumeLocked();
    }
    if (resume != null) {
      resume.run();
    }
  }

  /** The writer answered some of its receipts: the catch-up may go on. */
  void receiptsWritten() {
    Runnable resume;
    synchronized (lock) {
      if (closed) {
        return;
      }
      resume = takeResumeLocked();
    }
    if (resume != null) {
      resume.run();
    }
  }

  private Runnable takeResumeLocked() {
    if (whenDrained == null || !caughtUpWithLocked()) {
      return null;
    }
    Runnable resume = whenDrained;
    whenDrained = null;
    return resume;
  }

  /** The client keeps up: it took most of the queue and its receipts are mostly written. */
  private boolean caughtUpWithLocked() {
    return outbound.size() <= lowWatermark && receipts.isLow();
  }

  /** Stops all delivery; {@code true} the first time. */
  boolean markClosed() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closeLocked();
      return true;
    }
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private boolean enqueueLocked(Outgoing event) {
    if (outbound.size() >= outboundLimit) {
      closeLocked();
      return false;
    }
    outbound.add(event);
    drainLocked();
    return true;
  }

  private void drainLocked() {
    while (!outbound.isEmpty() && transport.isWritable()) {
      Outgoing next = outbound.poll();
      transport.write(next.event());
      switch (next.path()) {
        case LIVE -> metrics.deliveredLive(next.createdAtMicros());
        case CATCH_UP -> metrics.deliveredCaughtUp();
        case OTHER -> { }
      }
    }
  }

  private void closeLocked() {
    closed = true;
    outbound.clear();
    held.clear();
    whenDrained = null;
  }

  private void afterEnqueue(boolean overflow) {
    if (overflow) {
      transport.closeForOverflow("outgoing queue overflow (" + outboundLimit
          + " events waiting): reconnect to catch up");
      onOverflow.accept(this);
    }
  }

  @Override
  public String toString() {
    return "Session[" + transport.kind() + " " + id + " user=" + userId + "]";
  }
}
