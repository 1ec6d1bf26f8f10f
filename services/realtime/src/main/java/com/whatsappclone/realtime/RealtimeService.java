package com.whatsappclone.realtime;

import com.github.f4b6a3.uuid.UuidCreator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.auth.InvalidTokenException;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.PermissionDeniedException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.grpc.StatusMapper;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.events.ConversationMembershipChanged;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.events.ServerEventFanout;
import com.whatsappclone.proto.realtime.Authenticate;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Error;
import com.whatsappclone.proto.realtime.MessageDelivered;
import com.whatsappclone.proto.realtime.MessageRead;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Pong;
import com.whatsappclone.proto.realtime.PresenceUpdate;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.TypingIndicator;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realtime rules, one model behind both doors (WebSocket and the gRPC Connect stream): who
 * gets which event, receipts, typing, presence and the offline catch-up.
 *
 * <p>Threads. Transport callbacks (a WebSocket selector or decoder thread, a gRPC callback) only
 * call the non-blocking entry points here; all JDBC and Kafka work runs on the worker pool
 * through the session's {@link SerialExecutor}, except the receipts (acks and read receipts of
 * every connection), which the {@link ReceiptWriter} writes in batches on its own thread and
 * answers from there. The Kafka tails call {@link #onMessageStored} and
 * {@link #onRealtimeRecord} on their own threads; those only touch memory.
 *
 * <p>Credentials. A connection lasts as long as its access token: it is closed (WebSocket 4001,
 * Connect {@code UNAUTHENTICATED}) at the token's {@code exp} unless the client renewed it with an
 * {@link Authenticate} event, and within seconds of its session's revocation: at once when the
 * revocation list tells {@link #onRevoked}, and at the latest on the next
 * {@link #checkCredentials} run (every second, on a timer).
 */
final class RealtimeService {

  private static final Logger log = LoggerFactory.getLogger(RealtimeService.class);
  private static final String MEMBERSHIP_TYPE = ConversationMembershipChanged.getDescriptor().getFullName();
  /** The receipt queue shared by every connection is full (Error event only). */
  static final String RECEIPT_QUEUE_FULL = "RECEIPT_QUEUE_FULL";
  /** This connection has its limit of distinct receipts waiting (Error event only). */
  static final String TOO_MANY_PENDING_RECEIPTS = "TOO_MANY_PENDING_RECEIPTS";
  /**
   * Distinct receipts one connection may have waiting, per event its queue holds: each message
   * it was sent can be acked and read before the writer gets to either.
   */
  static final int RECEIPTS_PER_QUEUED_EVENT = 2;
  /**
   * How far before its cursor a device's receipts are sent again: a batch stamped before the
   * device left can commit after it (the writer stamps, then writes).
   */
  static final Duration RECEIPT_REPLAY_MARGIN = Duration.ofMinutes(1);
  /** Receipts of messages older than this are left out of the receipt catch-up. */
  static final Duration RECEIPT_CATCHUP_WINDOW = Duration.ofDays(3);
  /** Cursors of devices not connected for this long are deleted. */
  static final Duration RECEIPT_CURSOR_RETENTION = Duration.ofDays(30);
  /** What a frame refused by a full queue or pool is told to wait (Error.retry_after_ms). */
  static final Duration BUSY_RETRY = Duration.ofMillis(250);

  private final ConnectionRegistry registry;
  private final MessageStatusStore statuses;
  private final ReceiptCatchUpStore receiptCursors;
  private final ReceiptCursorWriter cursorWriter;
  private final ReceiptWriter receipts;
  private final ParticipantCache participants;
  private final ParticipantStore participantStore;
  private final PresenceStore presence;
  private final PresenceWriter presenceWriter;
  private final PrivacyGate privacy;
  private final FanoutBus bus;
  private final Executor pool;
  private final RealtimeSettings settings;
  private final Clock clock;
  private final UUID instanceId;
  private final CatchUpProbe probe;
  private final TokenManager tokens;
  private final SessionRevocations revocations;
  private final RealtimeMetrics metrics;
  private final AtomicLong storedEventsHandled = new AtomicLong();
  private final AtomicLong membershipRecordsHandled = new AtomicLong();

  RealtimeService(ConnectionRegistry registry, MessageStatusStore statuses,
      ReceiptCatchUpStore receiptCursors, ReceiptCursorWriter cursorWriter, ReceiptWriter receipts,
      ParticipantCache participants, ParticipantStore participantStore, PresenceStore presence,
      PresenceWriter presenceWriter,
      PrivacyGate privacy, FanoutBus bus, Executor pool, RealtimeSettings settings, Clock clock, UUID instanceId,
      CatchUpProbe probe, TokenManager tokens, SessionRevocations revocations, RealtimeMetrics metrics) {
    this.registry = registry;
    this.statuses = statuses;
    this.receiptCursors = receiptCursors;
    this.cursorWriter = cursorWriter;
    this.receipts = receipts;
    this.participants = participants;
    this.participantStore = participantStore;
    this.presence = presence;
    this.presenceWriter = presenceWriter;
    this.privacy = privacy;
    this.bus = bus;
    this.pool = pool;
    this.settings = settings;
    this.clock = clock;
    this.instanceId = instanceId;
    this.probe = probe;
    this.tokens = tokens;
    this.revocations = revocations;
    this.metrics = metrics;
  }

  // ---- connections ------------------------------------------------------------------------

  /**
   * A session for a device authenticated with {@code claims} (a valid access token of an
   * unrevoked session); nothing is delivered until {@link #connect}.
   */
  Session open(TokenClaims claims, Transport transport) {
    return new Session(UuidCreator.getTimeOrderedEpoch().toString(), claims, transport,
        new SerialExecutor(pool, settings.inboundPendingLimit()), settings.outboundQueueLimit(),
        RECEIPTS_PER_QUEUED_EVENT * settings.outboundQueueLimit(), this::disconnect, metrics);
  }

  /**
   * Registers the device (from now on live messages reach it, held back until the catch-up is
   * done), then announces presence and runs the catch-up on the worker pool.
   */
  void connect(Session session) {
    registry.register(session);
    // A revocation added after the door checked the token but before this registration was
    // not seen by onRevoked; seen from here, one of the two catches it.
    if (endIfCredentialsEnded(session, clock.instant())) {
      return;
    }
    try {
      session.inbox().submit(() -> {
        try {
          if (session.isClosed()) {
            return;
          }
          announceOnline(session);
          catchUp(session, Optional.empty());
        } catch (RuntimeException e) {
          failConnection(session, "could not start the connection", e);
        }
      });
    } catch (RejectedExecutionException e) {
      session.transport().closeUnavailable("server busy, try again later");
      disconnect(session);
    }
  }

  /** The device is gone (closed by either side); safe to call more than once. */
  void disconnect(Session session) {
    session.markClosed();
    if (!registry.unregister(session)) {
      return;
    }
    try {
      // Through the inbox: it runs after the connect task, whose row it removes.
      session.inbox().submit(() -> {
        try {
          announceOfflineIfLast(session);
        } catch (RuntimeException e) {
          // The row stops counting when its heartbeat goes stale; only the announcement is lost.
          log.warn("recording the disconnection of {} failed: {}", session, e.toString());
        }
        try {
          recordReceiptCursor(session);
        } catch (RuntimeException e) {
          // The cursor stays at the last heartbeat: the next connection gets a few receipts twice.
          log.warn("recording the receipt cursor of {} failed: {}", session, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("worker pool saturated: the disconnection of {} is recorded by the heartbeat expiry", session);
    }
  }

  /** Closes every device of this instance (shutdown). */
  void closeAll(String reason) {
    for (Session session : registry.all()) {
      session.transport().closeUnavailable(reason);
      disconnect(session);
    }
  }

  // ---- client frames ----------------------------------------------------------------------

  /** A decoded client frame. Never blocks: the work is queued for the worker pool. */
  void receive(Session session, ClientEvent event) {
    switch (event.getEventCase()) {
      case PING:
        session.send(ServerEvent.newBuilder()
            .setPong(Pong.newBuilder().setTimestamp(event.getPing().getTimestamp()))
            .build());
        return;
      case AUTHENTICATE:
        // No I/O (a signature check and a map lookup): handled here, in order with the frames.
        authenticate(session, event.getAuthenticate());
        return;
      case ACK:
      case READ_RECEIPT:
        queueReceipt(session, event);
        return;
      case EVENT_NOT_SET:
        rejectFrame(session, "event: expected one of ping, typing, readReceipt, ack, authenticate");
        return;
      default:
        break;
    }
    try {
      if (!session.inbox().submitFrame(() -> handle(session, event))) {
        metrics.refused(RealtimeMetrics.Refusal.TOO_MANY_PENDING_FRAMES);
        session.send(tooManyPendingFrames());
      }
    } catch (RejectedExecutionException e) {
      metrics.refused(RealtimeMetrics.Refusal.SERVER_BUSY);
      session.send(retryLater(error(Status.Code.RESOURCE_EXHAUSTED, "SERVER_BUSY",
          "server busy; this frame was not processed, send it again in "
              + BUSY_RETRY.toMillis() + " ms"), BUSY_RETRY));
    }
  }

  /** A frame that could not be decoded: an Error event, and the connection stays. */
  void rejectFrame(Session session, String problem) {
    metrics.refused(RealtimeMetrics.Refusal.MALFORMED);
    session.send(error(Status.Code.INVALID_ARGUMENT, "MALFORMED_FRAME", problem));
  }

  private ServerEvent tooManyPendingFrames() {
    return retryLater(error(Status.Code.RESOURCE_EXHAUSTED, "TOO_MANY_PENDING_FRAMES",
        "too many frames waiting on this connection (" + settings.inboundPendingLimit()
            + "); this one was not processed, send it again later"), BUSY_RETRY);
  }

  /** The Error's retry_after_ms: the bound that refused the frame knows it frees up soon. */
  private static ServerEvent retryLater(ServerEvent error, Duration delay) {
    return error.toBuilder()
        .setError(error.getError().toBuilder().setRetryAfterMs((int) delay.toMillis()))
        .build();
  }

  private void handle(Session session, ClientEvent event) {
    try {
      if (event.getEventCase() != ClientEvent.EventCase.TYPING) {
        throw new IllegalStateException("unexpected event " + event.getEventCase());
      }
      typing(session, event.getTyping());
    } catch (RuntimeException e) {
      sendError(session, e);
    }
  }

  /** The Error event a gRPC call failing with {@code e} would carry: status, reason, description. */
  private static void sendError(Session session, RuntimeException e) {
    Status status = StatusMapper.toStatus(e);
    session.send(error(status.getCode(), StatusMapper.reasonOf(e), status.getDescription()));
  }

  private void typing(Session session, TypingIndicator typing) {
    UUID conversationId = Ids.parse("typing.conversation_id", typing.getConversationId());
    Set<String> members = participants.participants(conversationId);
    if (members.isEmpty()) {
      throw new NotFoundException(Reasons.CONVERSATION_NOT_FOUND, "typing.conversation_id: no such conversation");
    }
    if (!members.contains(session.userId())) {
      throw new PermissionDeniedException(Reasons.NOT_A_PARTICIPANT, "you are not a participant of this conversation");
    }
    ServerEvent event = ServerEvent.newBuilder()
        .setTyping(TypingIndicator.newBuilder()
            .setConversationId(conversationId.toString())
            .setUserId(session.userId()) // never the client's claim
            .setIsTyping(typing.getIsTyping()))
        .build();
    List<String> others = new ArrayList<>(members);
    others.remove(session.userId());
    // Not to the members the typist blocked (cached for PrivacyGate.CACHE_TTL).
    deliver(privacy.typingViewers(session.user(), others), event);
  }

  // ---- receipts ---------------------------------------------------------------------------

  /**
   * An ack or read receipt: checked here (no I/O), then left with the connection's other
   * receipts for the {@link ReceiptWriter} (coalesced by message, see {@link PendingReceipts}),
   * which writes it with the other connections' in one transaction and calls
   * {@link ReceiptReply} with the outcome. Never blocks; not a frame of the connection's inbox.
   */
  private void queueReceipt(Session session, ClientEvent event) {
    MessageStatusStore.ReceiptRequest request;
    try {
      request = event.hasAck()
          ? receiptRequest(MessageStatusStore.ReceiptKind.DELIVERED, "ack", session,
              event.getAck().getMessageId(), event.getAck().getConversationId())
          : receiptRequest(MessageStatusStore.ReceiptKind.READ, "read_receipt", session,
              event.getReadReceipt().getMessageId(), event.getReadReceipt().getConversationId());
    } catch (RuntimeException e) {
      sendError(session, e);
      return;
    }
    switch (receipts.offer(session.receipts(), request, new ReceiptReply(session))) {
      case QUEUED:
        return;
      case CONNECTION_FULL:
        metrics.refused(RealtimeMetrics.Refusal.TOO_MANY_PENDING_RECEIPTS);
        session.send(retryLater(error(Status.Code.RESOURCE_EXHAUSTED, TOO_MANY_PENDING_RECEIPTS,
            "too many distinct receipts waiting on this connection (" + session.receipts().limit()
                + "); this one was not processed, send it again later"), BUSY_RETRY));
        return;
      default:
        metrics.refused(RealtimeMetrics.Refusal.RECEIPT_QUEUE_FULL);
        session.send(retryLater(error(Status.Code.RESOURCE_EXHAUSTED, RECEIPT_QUEUE_FULL,
            "too many receipts waiting on this server (" + ReceiptWriter.QUEUE_LIMIT
                + "); this one was not processed, send it again later"), BUSY_RETRY));
    }
  }

  private static MessageStatusStore.ReceiptRequest receiptRequest(MessageStatusStore.ReceiptKind kind,
      String field, Session session, String messageId, String conversationId) {
    return new MessageStatusStore.ReceiptRequest(kind, Ids.parse(field + ".message_id", messageId),
        Ids.parse(field + ".conversation_id", conversationId), session.user());
  }

  /** Tells the receipt's outcome: the sender what changed, the device what went wrong. */
  private final class ReceiptReply implements ReceiptWriter.Answer {
    private final Session session;

    ReceiptReply(Session session) {
      this.session = session;
    }

    @Override
    public void written(MessageStatusStore.ReceiptRequest request, MessageStatusStore.Receipt receipt,
        Instant at) {
      try {
        tell(request, receipt, at);
      } finally {
        session.receiptsWritten();
      }
    }

    private void tell(MessageStatusStore.ReceiptRequest request, MessageStatusStore.Receipt receipt,
        Instant at) {
      boolean ack = request.kind() == MessageStatusStore.ReceiptKind.DELIVERED;
      if (receipt.outcome() != MessageStatusStore.Outcome.NOT_FOUND) {
        metrics.receiptWritten(request.kind()); // committed, a change or a repeat of one
      }
      if (receipt.outcome() == MessageStatusStore.Outcome.NOT_FOUND) {
        sendError(session, new NotFoundException(Reasons.MESSAGE_NOT_FOUND, (ack ? "ack" : "read_receipt")
            + ".message_id: no such message for you in this conversation"));
        return;
      }
      if (receipt.outcome() != MessageStatusStore.Outcome.UPDATED) {
        return;
      }
      List<String> sender = List.of(receipt.senderId());
      if (receipt.newlyDelivered()) {
        // For a read receipt: the ack never came, the sender learns "delivered" before "read".
        deliver(sender, delivered(request.messageId(), request.conversationId(), session.userId(), at));
      }
      // Read receipts off, on either side, keeps the READ from the sender (it is still stored,
      // for the reader's own devices); "delivered" is always told.
      if (!ack && privacy.readReceiptShared(session.user(), UUID.fromString(receipt.senderId()))) {
        deliver(sender, read(request.messageId(), request.conversationId(), session.userId(), at));
      }
    }

    @Override
    public void failed(MessageStatusStore.ReceiptRequest request, RuntimeException error) {
      try {
        sendError(session, error);
      } finally {
        session.receiptsWritten();
      }
    }
  }

  private static ServerEvent read(UUID messageId, UUID conversationId, String userId, Instant at) {
    return ServerEvent.newBuilder()
        .setRead(MessageRead.newBuilder()
            .setMessageId(messageId.toString())
            .setConversationId(conversationId.toString())
            .setUserId(userId)
            .setReadAt(Timestamps.format(at)))
        .build();
  }

  private static ServerEvent delivered(UUID messageId, UUID conversationId, String userId, Instant at) {
    return ServerEvent.newBuilder()
        .setDelivered(MessageDelivered.newBuilder()
            .setMessageId(messageId.toString())
            .setConversationId(conversationId.toString())
            .setUserId(userId)
            .setDeliveredAt(Timestamps.format(at)))
        .build();
  }

  // ---- credentials -----------------------------------------------------------------------

  /**
   * Renews the connection's credentials with a valid access token of an unrevoked session of the
   * same user: the connection then lasts until that token's {@code exp}. Anything else is
   * answered with an Error and changes nothing.
   */
  private void authenticate(Session session, Authenticate request) {
    TokenClaims renewed;
    try {
      renewed = tokens.validateAccessToken(request.getAccessToken());
    } catch (InvalidTokenException e) {
      session.send(error(Status.Code.UNAUTHENTICATED, e.errorReason(),
          "authenticate: " + e.getMessage()
          + "; the connection keeps its current credentials"));
      return;
    }
    if (!renewed.userId().equals(session.userId())) {
      session.send(error(Status.Code.UNAUTHENTICATED, "TOKEN_USER_MISMATCH",
          "authenticate: the access token belongs to another user; "
          + "the connection keeps its current credentials"));
      return;
    }
    if (revocations.isRevoked(renewed)) {
      session.send(error(Status.Code.UNAUTHENTICATED, Reasons.SESSION_REVOKED,
          "authenticate: " + SessionRevocations.REVOKED_MESSAGE
          + "; the connection keeps its current credentials"));
      return;
    }
    session.reauthenticate(renewed);
    // A revocation that raced with the check above is caught here (or by the next timer run).
    endIfCredentialsEnded(session, clock.instant());
  }

  /** Told by the revocation list: closes this instance's devices of those sessions. */
  void onRevoked(List<SessionRevocations.Revocation> revoked) {
    Instant now = clock.instant();
    for (SessionRevocations.Revocation revocation : revoked) {
      // By user: a token without sid is ended by any revocation of its user (see isRevoked).
      for (Session session : registry.sessionsOf(revocation.userId())) {
        endIfCredentialsEnded(session, now);
      }
    }
  }

  /** Runs on a timer: closes the devices whose token expired or whose session was revoked. */
  void checkCredentials() {
    Instant now = clock.instant();
    registry.forEach(session -> endIfCredentialsEnded(session, now));
  }

  /** Closes the session if its credentials no longer hold; {@code true} when it did. */
  private boolean endIfCredentialsEnded(Session session, Instant now) {
    TokenClaims claims = session.claims();
    String reason;
    String errorReason;
    if (!now.isBefore(claims.expiresAt())) {
      reason = "token expired";
      errorReason = Reasons.TOKEN_EXPIRED;
    } else if (revocations.isRevoked(claims)) {
      reason = "session revoked";
      errorReason = Reasons.SESSION_REVOKED;
    } else {
      return false;
    }
    log.debug("closing {}: {}", session, reason);
    session.transport().closeUnauthenticated(errorReason, reason);
    disconnect(session);
    return true;
  }

  // ---- catch-up and presence --------------------------------------------------------------

  private void catchUp(Session session, Optional<UUID> after) {
    Optional<UUID> cursor = after;
    while (!session.isClosed()) {
      List<NewMessage> page = statuses.undelivered(session.user(), cursor,
          settings.catchUpPageSize());
      probe.pageRead(session.userId(), page);
      for (NewMessage message : page) {
        session.sendCaughtUp(message);
      }
      if (page.size() < settings.catchUpPageSize()) {
        session.finishCatchUp();
        startReceiptCatchUp(session);
        return;
      }
      cursor = Optional.of(UUID.fromString(page.get(page.size() - 1).getMessageId()));
      Optional<UUID> next = cursor;
      // Read the next page only once the client has taken most of this one: a long backlog is
      // paced by the client's speed instead of overflowing its queue.
      if (session.resumeWhenDrained(() -> resumeCatchUp(session, () -> catchUp(session, next)))) {
        return;
      }
    }
  }

  /**
   * The delivered / read changes to the user's own messages since this device (its session) was
   * last connected, sent as the live events would have been; then the device's cursor moves to
   * when this began. A device without a cursor (its first connection, or a token without sid)
   * has nothing to catch up: its history comes from ListMessages.
   */
  private void startReceiptCatchUp(Session session) {
    Optional<UUID> device = session.device();
    if (device.isEmpty()) {
      return;
    }
    Instant began = now();
    Optional<Instant> since = receiptCursors.syncedAt(device.get());
    if (since.isEmpty()) {
      cursorWriter.record(device.get(), session.user(), began);
      session.receiptsCaughtUp();
      return;
    }
    catchUpReceipts(session, new ReceiptReplay(since.get().minus(RECEIPT_REPLAY_MARGIN),
        began.minus(RECEIPT_CATCHUP_WINDOW), began), Optional.empty());
  }

  /** What a device's receipt catch-up sends: changes after {@code changedAfter}, up to {@code began}. */
  private record ReceiptReplay(Instant changedAfter, Instant createdAfter, Instant began) {}

  private void catchUpReceipts(Session session, ReceiptReplay replay,
      Optional<ReceiptCatchUpStore.ReceiptState> after) {
    Optional<ReceiptCatchUpStore.ReceiptState> cursor = after;
    while (!session.isClosed()) {
      List<ReceiptCatchUpStore.ReceiptState> page = receiptCursors.changedSince(session.user(),
          replay.changedAfter(), replay.createdAfter(), cursor, settings.catchUpPageSize());
      Set<UUID> readsHidden = readReceiptsOffOnPage(session.user(), page);
      for (ReceiptCatchUpStore.ReceiptState state : page) {
        String recipient = state.recipientId().toString();
        state.deliveredAt().filter(at -> at.isAfter(replay.changedAfter())).ifPresent(at ->
            session.send(delivered(state.messageId(), state.conversationId(), recipient, at)));
        if (!readsHidden.contains(state.recipientId())) {
          state.readAt().filter(at -> at.isAfter(replay.changedAfter())).ifPresent(at ->
              session.send(read(state.messageId(), state.conversationId(), recipient, at)));
        }
      }
      if (page.size() < settings.catchUpPageSize()) {
        cursorWriter.record(session.device().orElseThrow(), session.user(), replay.began());
        session.receiptsCaughtUp();
        return;
      }
      cursor = Optional.of(page.get(page.size() - 1));
      Optional<ReceiptCatchUpStore.ReceiptState> next = cursor;
      if (session.resumeWhenDrained(() -> resumeCatchUp(session, () -> catchUpReceipts(session, replay, next)))) {
        return;
      }
    }
  }

  /** The recipients on the page whose READs the sender is not sent, as live (PrivacyGate). */
  private Set<UUID> readReceiptsOffOnPage(UUID sender, List<ReceiptCatchUpStore.ReceiptState> page) {
    Set<UUID> readers = new HashSet<>();
    for (ReceiptCatchUpStore.ReceiptState state : page) {
      if (state.readAt().isPresent()) {
        readers.add(state.recipientId());
      }
    }
    return privacy.readsHiddenFrom(sender, readers);
  }


  /** Moves the device's receipt cursor to now, once its receipt catch-up is done. */
  private void recordReceiptCursor(Session session) {
    if (session.receiptsAreCurrent()) {
      cursorWriter.record(session.device().orElseThrow(), session.user(), now());
    }
  }

  private void resumeCatchUp(Session session, Runnable nextPage) {
    try {
      session.inbox().submit(() -> {
        try {
          nextPage.run();
        } catch (RuntimeException e) {
          failConnection(session, "catch-up failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      session.transport().closeUnavailable("server busy, reconnect later");
      disconnect(session);
    }
  }

  private void announceOnline(Session session) {
    Instant now = now();
    boolean first = presenceWriter.connected(UUID.fromString(session.id()), session.user(),
        session.device(), instanceId, now, liveAfter(now));
    if (first) {
      deliver(presenceViewers(session), ServerEvent.newBuilder()
          .setPresence(PresenceUpdate.newBuilder().setUserId(session.userId()).setStatus("online"))
          .build());
    }
  }

  private void announceOfflineIfLast(Session session) {
    Instant now = now();
    Optional<Instant> lastSeen = presence.disconnected(UUID.fromString(session.id()),
        session.user(), now, liveAfter(now));
    if (lastSeen.isPresent()) {
      deliver(presenceViewers(session), ServerEvent.newBuilder()
          .setPresence(PresenceUpdate.newBuilder()
              .setUserId(session.userId())
              .setStatus("offline")
              .setLastSeen(Timestamps.format(lastSeen.get())))
          .build());
    }
  }

  /**
   * Who is told the user came online or left: those who share a conversation with them, as the
   * user's last-seen setting and block list allow (one query for the whole fan-out).
   */
  private List<String> presenceViewers(Session session) {
    return privacy.presenceViewers(session.user(), participantStore.contactsOf(session.user()));
  }

  /**
   * Runs on a timer: tells the other instances this one is alive (first, so that a slow
   * database does not delay it), keeps this instance's devices counted, forgets dead instances'
   * ones.
   */
  void heartbeat() {
    bus.announce(false);
    Instant now = now();
    presence.heartbeat(instanceId, now, now.minus(settings.presenceHeartbeat().multipliedBy(10)));
    // A device of an instance that dies is then sent at most a heartbeat's receipts twice.
    List<UUID> current = new ArrayList<>();
    for (Session session : registry.all()) {
      if (session.receiptsAreCurrent()) {
        current.add(session.device().orElseThrow());
      }
    }
    receiptCursors.recordAll(current, now);
    receiptCursors.forgetOlderThan(now.minus(RECEIPT_CURSOR_RETENTION));
  }

  /** At start, before the doors accept devices: see {@link FanoutBus#announceStart}. */
  void announceStart(Duration timeout) {
    bus.announceStart(timeout);
  }

  /** At shutdown, once the devices were closed: the other instances stop publishing for it. */
  void forgetInstance() {
    bus.announce(true);
    presence.forgetInstance(instanceId);
  }

  private Instant liveAfter(Instant now) {
    return now.minus(settings.presenceHeartbeat().multipliedBy(3));
  }

  private void failConnection(Session session, String what, RuntimeException e) {
    Status status = StatusMapper.toStatus(e);
    log.warn("{} for {}: {}", what, session, status);
    session.transport().closeUnavailable(what + ", reconnect later");
    disconnect(session);
  }

  // ---- events from Kafka ------------------------------------------------------------------

  /** A message the worker stored: to every connected device of every recipient. */
  void onMessageStored(ConsumerRecord<String, byte[]> record) {
    MessageStored stored;
    try {
      stored = MessageStored.parseFrom(record.value());
    } catch (InvalidProtocolBufferException | NullPointerException e) {
      log.warn("skipping an undecodable stored-message event (partition {}, offset {})",
          record.partition(), record.offset());
      storedEventsHandled.incrementAndGet();
      return;
    }
    NewMessage message = StoredMessage.fromEvent(stored);
    for (String recipient : stored.getRecipientIdsList()) {
      for (Session session : registry.sessionsOf(recipient)) {
        session.offerLive(message, stored.getCreatedAtMicros());
      }
    }
    storedEventsHandled.incrementAndGet();
  }

  /**
   * A record of the realtime events topic: another instance's fan-out, an instance's
   * announcement, or a membership change.
   */
  void onRealtimeRecord(ConsumerRecord<String, byte[]> record) {
    bus.dispatch(record, this::onFanout, this::onMembershipRecord);
  }

  private void onFanout(ServerEventFanout fanout) {
    deliverLocally(fanout.getRecipientUserIdsList(), fanout.getEvent());
  }

  /**
   * Anything on the topic that is not a fan-out is taken as chat's announcement that a
   * conversation's members changed ({@link ConversationMembershipChanged}, keyed by conversation
   * id). A record of an unknown shape still counts: a UUID key drops that conversation from the
   * cache and anything else drops the whole cache (it refills from the database on demand, so
   * being too eager costs only a few queries; missing a change would let a removed member go on
   * typing into the conversation until the TTL).
   */
  void onMembershipRecord(ConsumerRecord<String, byte[]> record) {
    try {
      invalidateParticipants(record);
    } finally {
      membershipRecordsHandled.incrementAndGet();
    }
  }

  private void invalidateParticipants(ConsumerRecord<String, byte[]> record) {
    if (MEMBERSHIP_TYPE.equals(KafkaTopics.eventTypeOf(record))) {
      try {
        Optional<UUID> conversationId =
            Ids.tryParse(ConversationMembershipChanged.parseFrom(record.value()).getConversationId());
        if (conversationId.isPresent()) {
          participants.invalidate(conversationId.get());
          return;
        }
      } catch (InvalidProtocolBufferException | NullPointerException e) {
        log.warn("undecodable membership change (partition {}, offset {}); falling back to its key",
            record.partition(), record.offset());
      }
    }
    Optional<UUID> conversationId = Ids.tryParse(record.key());
    if (conversationId.isPresent()) {
      participants.invalidate(conversationId.get());
    } else {
      participants.invalidateAll();
    }
  }

  /** How many stored-message events this instance has processed (tests wait on it). */
  long storedEventsHandled() {
    return storedEventsHandled.get();
  }

  /**
   * How many membership-change records (anything on the events topic but fan-outs and instance
   * announcements) it processed.
   */
  long membershipRecordsHandled() {
    return membershipRecordsHandled.get();
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** To these users' devices here now, and through Kafka to their devices elsewhere. */
  private void deliver(Collection<String> users, ServerEvent event) {
    deliverLocally(users, event);
    bus.publish(users, event);
  }

  private void deliverLocally(Collection<String> users, ServerEvent event) {
    for (String user : users) {
      for (Session session : registry.sessionsOf(user)) {
        session.send(event);
      }
    }
  }

  /** Microseconds, PostgreSQL's precision: what is stored is exactly what the clients are told. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** An Error event: the code's name, the ErrorInfo reason a gRPC call would carry, the text. */
  private static ServerEvent error(Status.Code code, String reason, String message) {
    return ServerEvent.newBuilder()
        .setError(Error.newBuilder()
            .setCode(code.name())
            .setReason(reason)
            .setMessage(message == null ? "" : message))
        .build();
  }
}
