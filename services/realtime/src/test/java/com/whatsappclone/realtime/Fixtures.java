package com.whatsappclone.realtime;

import com.github.f4b6a3.uuid.UuidCreator;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows written straight into the test database, as the chat service and the message worker
 * write them: users, conversations, and stored messages with one message_status row per
 * recipient. {@link #storeMessage} returns the MessageStored event the worker would publish.
 */
final class Fixtures extends SqlFixtures {

  private final ConcurrentHashMap<UUID, AtomicLong> sequences = new ConcurrentHashMap<>();

  Fixtures(TestDatabase db) {
    super(db);
  }

  /** A device session of the user (a user_devices row, as VerifyOTP writes it). */
  UUID session(UUID user) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO user_devices (id, user_id, refresh_token_hash, last_login_at, last_used_at) "
        + "VALUES (?, ?, ?, now(), now())", id, user, id.toString());
    return id;
  }

  /** What RevokeDevice / RevokeCurrentDevice write. */
  void revokeSession(UUID session) {
    update("UPDATE user_devices SET revoked_at = now(), revoked_reason = 'revoked' WHERE id = ?", session);
  }

  /** What LogoutAllDevices writes. */
  void revokeAllSessions(UUID user) {
    update("UPDATE user_devices SET revoked_at = now(), revoked_reason = 'logout_all' "
        + "WHERE user_id = ? AND revoked_at IS NULL", user);
  }

  /** Stores a message as the worker does and returns the event it would publish next. */
  MessageStored storeMessage(UUID conversation, UUID sender, String content, UUID... recipients) {
    UUID id = UuidCreator.getTimeOrderedEpoch();
    Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    long proposed = sequences.computeIfAbsent(conversation, c -> new AtomicLong()).incrementAndGet();
    // The schema may assign seq itself (a trigger); what it stored is what the worker publishes.
    long seq = Long.parseLong(strings("INSERT INTO messages (id, conversation_id, sender_id, content, created_at, seq)"
        + " VALUES (?, ?, ?, ?, ?, ?) RETURNING seq", id, conversation, sender, content, utc(createdAt), proposed).get(0));
    for (UUID recipient : recipients) {
      update("INSERT INTO message_status (message_id, user_id) VALUES (?, ?)", id, recipient);
    }
    return MessageStored.newBuilder()
        .setMessageId(id.toString())
        .setConversationId(conversation.toString())
        .setSenderId(sender.toString())
        .setContent(content)
        .setCreatedAtMicros(ChronoUnit.MICROS.between(Instant.EPOCH, createdAt))
        .setSeq(seq)
        .addAllRecipientIds(Arrays.stream(recipients).map(UUID::toString).toList())
        .build();
  }

  Optional<Instant> deliveredAt(String messageId, UUID user) {
    return timestamp("SELECT delivered_at FROM message_status WHERE message_id = ? AND user_id = ?",
        UUID.fromString(messageId), user);
  }

  Optional<Instant> readAt(String messageId, UUID user) {
    return timestamp("SELECT read_at FROM message_status WHERE message_id = ? AND user_id = ?",
        UUID.fromString(messageId), user);
  }

  Optional<Instant> lastSeenAt(UUID user) {
    return timestamp("SELECT last_seen_at FROM users WHERE id = ?", user);
  }
}
