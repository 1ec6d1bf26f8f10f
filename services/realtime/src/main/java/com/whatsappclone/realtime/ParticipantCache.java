package com.whatsappclone.realtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Conversation members, cached because every typing event needs them. Bounded (least recently
 * used out first). An entry is dropped when chat announces a membership change on the realtime
 * events topic, and trusted for at most a TTL anyway, in case such an announcement was missed.
 */
final class ParticipantCache {

  private record Entry(Set<String> participants, Instant loadedAt) {}

  private final Function<UUID, Set<String>> loader;
  private final Clock clock;
  private final Duration ttl;
  private final LinkedHashMap<UUID, Entry> entries;
  /** Bumped by every invalidation: a load that raced with one is not cached. */
  private long generation;

  ParticipantCache(Function<UUID, Set<String>> loader, int maxEntries, Duration ttl, Clock clock) {
    this.loader = loader;
    this.clock = clock;
    this.ttl = ttl;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<UUID, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The members, from the cache or (outside the lock) from the database. */
  Set<String> participants(UUID conversationId) {
    long loadGeneration;
    synchronized (this) {
      Entry entry = entries.get(conversationId);
      if (entry != null && clock.instant().isBefore(entry.loadedAt().plus(ttl))) {
        return entry.participants();
      }
      loadGeneration = generation;
    }
    Instant loadedAt = clock.instant();
    Set<String> participants = loader.apply(conversationId);
    synchronized (this) {
      if (generation == loadGeneration) {
        entries.put(conversationId, new Entry(participants, loadedAt));
      }
    }
    return participants;
  }

  synchronized void invalidate(UUID conversationId) {
    generation++;
    entries.remove(conversationId);
  }

  synchronized void invalidateAll() {
    generation++;
    entries.clear();
  }
}
