package com.whatsappclone.realtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Conversation members, cached because every typing event needs them. A Caffeine cache,
 * size-bounded and expiring after write: an entry is dropped when chat announces a membership
 * change on the realtime events topic, and trusted for at most a TTL anyway, in case such an
 * announcement was missed. A load that races with an invalidation is not kept: Caffeine computes
 * an entry under the entry's lock, and an invalidation of that key waits for the computation and
 * then removes its result (chat's {@code ConversationCache} relies on the same).
 */
final class ParticipantCache {

  private final Function<UUID, Set<String>> loader;
  private final Cache<UUID, Set<String>> entries;

  ParticipantCache(Function<UUID, Set<String>> loader, int maxEntries, Duration ttl, Clock clock) {
    this.loader = loader;
    this.entries = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(ttl)
        .ticker(clockTicker(clock))
        .build();
  }

  /** The members (empty for no such conversation), from the cache or from the database. */
  Set<String> participants(UUID conversationId) {
    return entries.get(conversationId, loader);
  }

  void invalidate(UUID conversationId) {
    entries.invalidate(conversationId);
  }

  void invalidateAll() {
    entries.invalidateAll();
  }

  private static Ticker clockTicker(Clock clock) {
    return () -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant());
  }
}
