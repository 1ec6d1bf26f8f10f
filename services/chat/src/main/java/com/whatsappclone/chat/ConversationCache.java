package com.whatsappclone.chat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
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
 * <p>A Caffeine cache (size-bounded, expiring after write). A load that races with an
 * invalidation is not kept: Caffeine computes an entry under the entry's lock, and an
 * invalidation of that key waits for the computation and then removes its result, so a load
 * begun before a change committed never outlives the change's invalidation. Unknown
 * conversations are not cached (a miss reads the database, and answers NOT_FOUND).
 */
final class ConversationCache {

  /** Reads a conversation and its members; empty when there is no such conversation. */
  @FunctionalInterface
  interface Loader {
    Optional<Conversation> load(UUID conversationId) throws SQLException;
  }

  /** Carries a loader's SQLException through Caffeine, which takes unchecked functions only. */
  private static final class LoadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoadFailure(SQLException cause) {
      super(cause);
    }
  }

  private final Loader loader;
  private final BooleanSupplier trusted;
  private final Cache<UUID, Conversation> entries;

  /** @param trusted whether membership announcements are being followed right now */
  ConversationCache(Loader loader, int maxEntries, Duration ttl, Clock clock, BooleanSupplier trusted) {
    this.loader = loader;
    this.trusted = trusted;
    this.entries = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(ttl)
        .ticker(clockTicker(clock))
        .build();
  }

  Optional<Conversation> find(UUID conversationId) throws SQLException {
    if (!trusted.getAsBoolean()) {
      return loader.load(conversationId);
    }
    try {
      return Optional.ofNullable(entries.get(conversationId, id -> {
        try {
          return loader.load(id).orElse(null); // null: nothing cached
        } catch (SQLException e) {
          throw new LoadFailure(e);
        }
      }));
    } catch (LoadFailure e) {
      throw (SQLException) e.getCause();
    }
  }

  /** The conversation's membership changed (committed): the next send reads it again. */
  void invalidate(UUID conversationId) {
    entries.invalidate(conversationId);
  }

  /** Anything may have changed (an announcement that names no conversation, a gap in following). */
  void invalidateAll() {
    entries.invalidateAll();
  }

  /** Expiry follows the service's Clock, so tests can move time. */
  private static Ticker clockTicker(Clock clock) {
    return () -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant());
  }
}
