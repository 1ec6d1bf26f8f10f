package com.whatsappclone.realtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.privacy.Relationship;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who of the candidates (people who share a conversation with the user) may see which of the
 * user's realtime signals (issue 17), from the settings, address books and blocks auth writes
 * ({@link PrivacyStore}). Every method may run JDBC: callers are on the worker pool or the
 * receipt writer's thread, never on a WebSocket selector or gRPC callback thread.
 *
 * <ul>
 *   <li>Presence (online, offline with last seen) is rare, so it is asked afresh: one query per
 *       fan-out, what the owner's last-seen setting and block list allow each viewer.
 *   <li>Typing and the read-receipt setting are asked on every keystroke burst and every
 *       receipt, so the answers are cached for {@link #CACHE_TTL} (bounded in size): a block
 *       hides typing, and turning read receipts off or on takes effect, within that time. Misses
 *       of one fan-out are read together in one query.
 * </ul>
 */
final class PrivacyGate {

  /** How long a typing or read-receipt answer is trusted: a new block or setting waits that long at most. */
  static final Duration CACHE_TTL = Duration.ofSeconds(5);
  /** Entries per cache: (typist, viewer) pairs and users. */
  static final int CACHE_SIZE = 100_000;

  private record Pair(UUID owner, UUID viewer) {}

  private final PrivacyStore store;
  private final Cache<Pair, Boolean> seesTyping;
  private final Cache<UUID, Boolean> readReceiptsOff;

  PrivacyGate(PrivacyStore store, Clock clock) {
    this.store = store;
    Ticker ticker = () -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant());
    this.seesTyping = Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterWrite(CACHE_TTL).ticker(ticker).build();
    this.readReceiptsOff = Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterWrite(CACHE_TTL).ticker(ticker).build();
  }

  /** The candidates who may see {@code owner}'s presence and last seen: one query, uncached. */
  List<String> presenceViewers(UUID owner, Collection<String> candidates) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    Map<UUID, Relationship> relationships = store.toViewers(owner, ids(candidates));
    List<String> allowed = new ArrayList<>();
    for (String candidate : candidates) {
      Relationship relationship = relationships.get(UUID.fromString(candidate));
      if (relationship != null && relationship.seesLastSeen()) {
        allowed.add(candidate);
      }
    }
    return allowed;
  }

  /** The candidates who may see {@code typist} typing (all but those the typist blocked); cached. */
  List<String> typingViewers(UUID typist, Collection<String> candidates) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<Pair> pairs = new ArrayList<>(candidates.size());
    for (String candidate : candidates) {
      pairs.add(new Pair(typist, UUID.fromString(candidate)));
    }
    Map<Pair, Boolean> answers = seesTyping.getAll(pairs, missing -> {
      List<UUID> viewers = new ArrayList<>();
      for (Pair pair : missing) {
        viewers.add(pair.viewer());
      }
      Map<UUID, Relationship> relationships = store.toViewers(typist, viewers);
      Map<Pair, Boolean> loaded = new HashMap<>();
      for (Pair pair : missing) {
        Relationship relationship = relationships.get(pair.viewer());
        loaded.put(pair, relationship != null && relationship.seesTyping());
      }
      return loaded;
    });
    List<String> allowed = new ArrayList<>();
    for (Pair pair : pairs) {
      if (answers.getOrDefault(pair, false)) {
        allowed.add(pair.viewer().toString());
      }
    }
    return allowed;
  }

  /**
   * The users of {@code users} who turned read receipts off; cached, the misses read in one
   * query. Read receipts go both ways (WhatsApp): a READ of reader R reaches sender S only when
   * neither has them off, in one-to-one chats and groups alike.
   */
  Set<UUID> readReceiptsOff(Collection<UUID> users) {
    if (users.isEmpty()) {
      return Set.of();
    }
    Map<UUID, Boolean> answers = readReceiptsOff.getAll(new HashSet<>(users), missing -> {
      Set<UUID> off = store.readReceiptsOff(List.copyOf(missing));
      Map<UUID, Boolean> loaded = new HashMap<>();
      for (UUID user : missing) {
        loaded.put(user, off.contains(user));
      }
      return loaded;
    });
    Set<UUID> off = new HashSet<>();
    answers.forEach((user, isOff) -> {
      if (isOff) {
        off.add(user);
      }
    });
    return off;
  }

  /** Whether a READ of {@code reader} may reach {@code sender}: neither has read receipts off. */
  boolean readReceiptShared(UUID reader, UUID sender) {
    return !readsHiddenFrom(sender, List.of(reader)).contains(reader);
  }

  /**
   * The readers of {@code readers} whose READs {@code sender} is not told: all of them when the
   * sender has read receipts off, else those who have them off. One cached look-up.
   */
  Set<UUID> readsHiddenFrom(UUID sender, Collection<UUID> readers) {
    if (readers.isEmpty()) {
      return Set.of();
    }
    Set<UUID> users = new HashSet<>(readers);
    users.add(sender);
    Set<UUID> off = readReceiptsOff(users);
    if (off.contains(sender)) {
      return new HashSet<>(readers);
    }
    return off;
  }

  private static List<UUID> ids(Collection<String> users) {
    List<UUID> ids = new ArrayList<>(users.size());
    for (String user : users) {
      ids.add(UUID.fromString(user));
    }
    return ids;
  }
}
