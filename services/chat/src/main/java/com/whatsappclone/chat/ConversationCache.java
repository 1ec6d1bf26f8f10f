package com.whatsappclone.chat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Conversations as SendMessage needs them (group or not, who the members are), so that a send
 * costs no database read. Only the membership of an entry is meant to be used: its last_seq and
 * last_message_at go stale at once.
 *
 * <p>When an entry goes: this instance's own membership changes drop it right after their commit,
 * before the RPC answers ({@link ConversationService}); other instances' changes drop it when
 * their {@code ConversationMembershipChanged} arrives ({@link MembershipFollower}); and it is
 * trusted for a TTL at most, in case such an announcement was lost. While the follower is not
 * reading the topic (Kafka not reached yet, or its reader stopped), nothing is cached: every
 * send reads the database as before.
 *
 * <p>A load that raced with an invalidation is not kept: the loader first puts its own
 * {@link Loading} marker in the slot and keeps its result only if that very marker is still
 * there afterwards, and every invalidation removes whatever the slot holds. So a load begun
 * before a change committed never outlives the change's invalidation. Unknown conversations are
 * not cached (a miss reads the database, and answers NOT_FOUND).
 *
 * <p>Bounded: past {@code maxEntries}, expired entries go first, then arbitrary ones (the cost
 * of dropping a live one is one read).
 */
final class ConversationCache {

  /** Reads a conversation and its members; empty when there is no such conversation. */
  @FunctionalInterface
  interface Loader {
    Optional<Conversation> load(UUID conversationId) throws SQLException;
  }

  private sealed interface Slot permits Loaded, Loading {}

  private record Loaded(Conversation conversation, Instant loadedAt) implements Slot {}

  /** A load in progress; compared by identity. */
  private static final class Loading implements Slot {}

  private final Loader loader;
  private final int maxEntries;
  private final Duration ttl;
  private final Clock clock;
  private final BooleanSupplier trusted;
  private final ConcurrentHashMap<UUID, Slot> slots = new ConcurrentHashMap<>();

  /** @param trusted whether membership announcements are being followed right now */
  ConversationCache(Loader loader, int maxEntries, Duration ttl, Clock clock, BooleanSupplier trusted) {
    this.loader = loader;
    this.maxEntries = maxEntries;
    this.ttl = ttl;
    this.clock = clock;
    this.trusted = trusted;
  }

  Optional<Conversation> find(UUID conversationId) throws SQLException {
    if (!trusted.getAsBoolean()) {
      return loader.load(conversationId);
    }
    Slot slot = slots.get(conversationId);
    if (slot instanceof Loaded loaded && isFresh(loaded)) {
      return Optional.of(loaded.conversation());
    }
    Loading mine = new Loading();
    // Someone else's load in progress: read for ourselves, keep nothing.
    boolean claimed = slot == null ? slots.putIfAbsent(conversationId, mine) == null
        : slot instanceof Loaded && slots.replace(conversationId, slot, mine);
    Instant loadedAt = clock.instant();
    Optional<Conversation> found;
    try {
      found = loader.load(conversationId);
    } catch (SQLException | RuntimeException e) {
      if (claimed) {
        slots.remove(conversationId, mine);
      }
      throw e;
    }
    if (claimed) {
      if (found.isPresent() && slots.replace(conversationId, mine, new Loaded(found.get(), loadedAt))) {
        trim();
      } else {
        slots.remove(conversationId, mine);
      }
    }
    return found;
  }

  /** The conversation's membership changed (committed): the next send reads it again. */
  void invalidate(UUID conversationId) {
    slots.remove(conversationId);
  }

  /** Anything may have changed (an announcement that names no conversation, a gap in following). */
  void invalidateAll() {
    slots.clear();
  }

  int size() {
    return slots.size();
  }

  private boolean isFresh(Loaded loaded) {
    return clock.instant().isBefore(loaded.loadedAt().plus(ttl));
  }

  private void trim() {
    if (slots.size() <= maxEntries) {
      return;
    }
    slots.values().removeIf(slot -> slot instanceof Loaded loaded && !isFresh(loaded));
    Iterator<UUID> keys = slots.keySet().iterator();
    while (slots.size() > maxEntries && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }
}
