package com.whatsappclone.realtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The devices connected to THIS instance, by user. A user may have several devices online at
 * once (the original kept one per user and silently replaced it); each is its own session.
 */
final class ConnectionRegistry {

  private final ConcurrentHashMap<String, Set<Session>> byUser = new ConcurrentHashMap<>();
  /** Connections by {@link Transport#kind()}: the {@code realtime.connections} gauges. */
  private final AtomicInteger webSocket = new AtomicInteger();
  private final AtomicInteger grpc = new AtomicInteger();

  ConnectionRegistry(MeterRegistry metrics) {
    gauge(metrics, "websocket", webSocket);
    gauge(metrics, "grpc", grpc);
  }

  private static void gauge(MeterRegistry metrics, String transport, AtomicInteger count) {
    Gauge.builder("realtime.connections", count, AtomicInteger::get)
        .description("Devices connected to this instance").tag("transport", transport).register(metrics);
  }

  void register(Session session) {
    if (byUser.computeIfAbsent(session.userId(), user -> ConcurrentHashMap.newKeySet()).add(session)) {
      countOf(session).incrementAndGet();
    }
  }

  private AtomicInteger countOf(Session session) {
    return "grpc".equals(session.transport().kind()) ? grpc : webSocket;
  }

  /** {@code true} when the session was registered (a second call does nothing). */
  boolean unregister(Session session) {
    boolean[] removed = new boolean[1];
    byUser.computeIfPresent(session.userId(), (user, sessions) -> {
      removed[0] = sessions.remove(session);
      return sessions.isEmpty() ? null : sessions;
    });
    if (removed[0]) {
      countOf(session).decrementAndGet();
    }
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
