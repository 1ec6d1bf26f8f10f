package com.whatsappclone.chat;

import com.github.f4b6a3.uuid.UuidCreator;
import com.whatsappclone.common.error.AlreadyExistsException;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnavailableException;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.common.text.TextInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sending and listing messages. Sending validates, gives the message its id and time, and hands
 * it to Kafka; the message worker stores it. Listing reads what is stored.
 */
final class MessageService {

  static final int MAX_CONTENT_BYTES = 65_536;
  static final int MAX_MEDIA_URL_CHARS = 2_048;
  static final int MAX_CLIENT_MESSAGE_ID_CHARS = 64;
  static final Set<String> MEDIA_TYPES = Set.of("image", "video", "audio", "document");
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;

  /** What a client asks to send. Empty strings mean "not given", as in proto3. */
  record Draft(String conversationId, String content, String mediaUrl, String mediaType,
      String clientMessageId) {}

  /** Message ids with a client_message_id that Kafka acknowledged on this instance, recently. */
  static final int MAX_ACKNOWLEDGED = 100_000;

  private final ConversationCache membership;
  private final ConversationStore conversations;
  private final MessageStore messages;
  private final PendingMessageStore pending;
  private final ReservationWriter reservations;
  private final MessageEvents events;
  private final SendRateLimiter sendLimit;
  private final Clock clock;
  private final Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
  private final Counter acceptedDirect;
  private final Counter acceptedGroup;

  MessageService(ConversationCache membership, ConversationStore conversations, MessageStore messages,
      PendingMessageStore pending, ReservationWriter reservations, MessageEvents events,
      SendRateLimiter sendLimit, Clock clock, MeterRegistry metrics) {
    this.membership = membership;
    this.conversations = conversations;
    this.messages = messages;
    this.pending = pending;
    this.reservations = reservations;
    this.events = events;
    this.sendLimit = sendLimit;
    this.clock = clock;
    this.acceptedDirect = accepted(metrics, "direct");
    this.acceptedGroup = accepted(metrics, "group");
  }

  private static Counter accepted(MeterRegistry metrics, String kind) {
    return Counter.builder("messages.accepted").description("Messages Kafka acknowledged for SendMessage")
        .tag("kind", kind).register(metrics);
  }

  /**
   * Accepts a message and answers once Kafka has it (seq 0: not stored yet). With a
   * client_message_id, a resend within the idempotency window returns the first send's message
   * (same id and created_at, its seq once stored) and is stored and delivered once.
   *
   * <p>The membership check reads {@link ConversationCache}: with a warm cache a send costs no
   * database read, and with a client_message_id one row of a batched INSERT.
   *
   * <p>Each sender has a rate ({@link SendRateLimiter}); a well-formed send beyond it is refused
   * with RESOURCE_EXHAUSTED and a RetryInfo before it costs a database or Kafka round trip.
   *
   * @param budget time left before the caller's deadline, or null when it set none
   */
  Message send(UUID caller, Draft draft, Duration budget) throws SQLException {
    UUID conversationId = Ids.parse("conversation_id", draft.conversationId());
    String mediaUrl = emptyToNull(draft.mediaUrl());
    String mediaType = emptyToNull(draft.mediaType());
    String clientMessageId = emptyToNull(draft.clientMessageId());
    validate(draft.content(), mediaUrl, mediaType, clientMessageId);
    sendLimit.acquire(caller);

    Conversation conversation = membership.find(conversationId)
        .orElseThrow(ConversationService::notFound);
    ConversationService.requireMember(conversation, caller);
    List<UUID> recipients = conversation.participantIds().stream()
        .filter(id -> !id.equals(caller)).toList();

    Message message = new Message(UuidCreator.getTimeOrderedEpoch(), conversationId, caller,
        draft.content(), mediaUrl, mediaType, clientMessageId, now(), 0);
    Counter accepted = conversation.isGroup() ? acceptedGroup : acceptedDirect;
    return clientMessageId == null ? publish(message, recipients, budget, accepted)
        : sendOnce(message, recipients, budget, accepted);
  }

  /**
   * The idempotent path: one INSERT (one commit, shared with the concurrent sends:
   * {@link ReservationWriter}) and no read of {@code messages} for a first send.
   *
   * <p>The reservation row in {@code pending_messages} is the only arbiter, across chat instances
   * and time: chat inserts it (ON CONFLICT DO NOTHING, so of concurrent first sends exactly one
   * wins, the others see its row), the worker marks it stored (its seq) in the transaction that
   * stores the message and never deletes it, and only {@link ReservationCleanup} deletes it, once
   * older than the idempotency window. So within the window a resend always finds the row, and
   * the row says whether the message is stored; V51 gave messages stored before this scheme
   * their rows. A resend of a message not stored yet publishes it again unless this instance saw
   * Kafka acknowledge it (or an older chat recorded that, {@code published_at}): publishing twice
   * is harmless, the worker stores a message once (same id, or same conversation and
   * client_message_id) and marks the same row.
   */
  private Message sendOnce(Message fresh, List<UUID> recipients, Duration budget, Counter accepted)
      throws SQLException {
    UUID conversationId = fresh.conversationId();
    String clientMessageId = fresh.clientMessageId();
    // Two rounds are enough: a reservation vanishes only when the cleanup deletes it (older than
    // the window: the next round reserves the id anew; the worker still stores nothing twice).
    for (int round = 0; round < 2; round++) {
      if (reservations.reserve(fresh)) {
        return publish(fresh, recipients, budget, accepted);
      }
      Optional<PendingMessageStore.Pending> reserved = pending.find(conversationId, clientMessageId);
      if (reserved.isEmpty()) {
        continue;
      }
      Message earlier = sameSender(reserved.get().message(), fresh.senderId());
      if (reserved.get().stored() || reserved.get().published() || acknowledged.contains(earlier.id())) {
        return earlier;
      }
      // The first send failed, is still in flight, or went through another instance.
      return publish(earlier, recipients, budget, accepted);
    }
    throw new UnavailableException("MESSAGE_IN_FLIGHT", "the message is being stored right now, try again");
  }

  /** Counts a message once Kafka has it; a resend published again (its first send's fate unknown) counts again. */
  private Message publish(Message message, List<UUID> recipients, Duration budget, Counter accepted) {
    events.submit(message, recipients, budget);
    accepted.increment();
    if (message.clientMessageId() != null) {
      if (acknowledged.size() >= MAX_ACKNOWLEDGED) {
        acknowledged.clear(); // forgetting costs at most a redundant publish of a resend
      }
      acknowledged.add(message.id());
    }
    return message;
  }

  private static Message sameSender(Message message, UUID caller) {
    if (!message.senderId().equals(caller)) {
      throw new AlreadyExistsException("CLIENT_MESSAGE_ID_TAKEN",
          "client_message_id: already used by another sender in this conversation");
    }
    return message;
  }

  /** Newest first, pages backwards from {@code beforeMessageId}; participants only. */
  List<Message> list(UUID caller, String conversationId, String beforeMessageId, int limit)
      throws SQLException {
    UUID id = Ids.parse("conversation_id", conversationId);
    UUID before = beforeMessageId.isEmpty() ? null : Ids.parse("before_message_id", beforeMessageId);
    if (limit < 0) {
      throw new InvalidArgumentException("INVALID_LIMIT", "limit", "must not be negative");
    }
    int page = limit == 0 ? DEFAULT_PAGE : Math.min(limit, MAX_PAGE);
    Conversation conversation = conversations.find(id).orElseThrow(ConversationService::notFound);
    ConversationService.requireMember(conversation, caller);
    OptionalLong beforeSeq = OptionalLong.empty();
    if (before != null) {
      beforeSeq = messages.seqOf(caller, id, before);
      if (beforeSeq.isEmpty()) {
        throw new NotFoundException(Reasons.MESSAGE_NOT_FOUND, "before_message_id: no such message in this conversation");
      }
    }
    return messages.newest(caller, id, beforeSeq, page);
  }

  private static void validate(String content, String mediaUrl, String mediaType,
      String clientMessageId) {
    int contentBytes = content.getBytes(StandardCharsets.UTF_8).length;
    if (mediaUrl == null && contentBytes == 0) {
      throw new InvalidArgumentException("EMPTY_MESSAGE", "content", "must not be empty (unless media_url is given)");
    }
    if (contentBytes > MAX_CONTENT_BYTES) {
      throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "content", "must be at most " + MAX_CONTENT_BYTES
          + " bytes of UTF-8 (got " + contentBytes + ")");
    }
    // Multi-line text: line breaks and tabs, but no other control characters (no NUL, no ESC).
    TextInput.multiLineCharacters("content", content);
    if (mediaUrl != null) {
      if (mediaUrl.length() > MAX_MEDIA_URL_CHARS) {
        throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "media_url", "must be at most " + MAX_MEDIA_URL_CHARS
            + " characters");
      }
      TextInput.singleLineCharacters("media_url", mediaUrl);
      if (mediaType == null) {
        throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "media_type", "is required with media_url (one of "
            + String.join(", ", List.of("image", "video", "audio", "document")) + ")");
      }
    }
    if (mediaType != null) {
      if (!MEDIA_TYPES.contains(mediaType)) {
        throw new InvalidArgumentException("INVALID_MEDIA_TYPE", "media_type",
            "must be one of image, video, audio, document");
      }
      if (mediaUrl == null) {
        throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "media_url", "is required with media_type");
      }
    }
    if (clientMessageId != null) {
      if (clientMessageId.codePointCount(0, clientMessageId.length()) > MAX_CLIENT_MESSAGE_ID_CHARS) {
        throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "client_message_id", "must be at most "
            + MAX_CLIENT_MESSAGE_ID_CHARS + " characters");
      }
      TextInput.singleLineCharacters("client_message_id", clientMessageId);
    }
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
