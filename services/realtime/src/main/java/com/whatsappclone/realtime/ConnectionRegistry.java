package com.whatsappclone.realtime;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The devices connected to THIS instance, by user. A user may have several devices online at
 * once (the original kept one per user and silently replaced it); each is its own session.
 */
final class ConnectionRegistry {

  private final ConcurrentHashMap<String, Set<Session>> byUser = new ConcurrentHashMap<>();

  void register(Session session) {
    byUser.computeIfAbsent(session.userId(), user -> ConcurrentHashMap.newKeySet()).add(session);
  }

  /** {@code true} when the session was registered (a second call does nothing). */
  boolean unregister(Session session) {
    boolean[] removed = new boolean[1];
    byUser.computeIfPresent(session.userId(), (user, sessions) -> {
      removed[0] = sessions.remove(session);
      return sessions.isEmpty() ? null : sessions;
    });
    return removed[0];
  }

  /** The user's sessions on this instance (a snapshot; empty when none). */
  Collection<Session> sessionsOf(String userId) {
    Set<Session> sessions = byUser.get(userId);
    return sessions == null ? List.of() : List.copyOf(sessions);
  }

  /** Every session on this instance (a snapshot), e.g. to close them at shutdown. */
  List<Session> all() {
    return byUser.values().stream().flatMap(Set::stream).toList();
  }

  /** Runs {@code action} on every session, without copying; it may unregister sessions meanwhile. */
  void forEach(Consumer<Session> action) {
    byUser.values().forEach(sessions -> sessions.forEach(action));
  }
}
