package com.whatsappclone.common.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device sessions revoked recently, in memory, so that every service can refuse the access
 * tokens of a revoked session before they expire (logout, logout of all devices, revocation of a
 * device, refresh-token reuse, session-limit eviction).
 *
 * <p>The check ({@link #isRevoked}) is one {@link ConcurrentHashMap} lookup and does no I/O:
 * <ul>
 *   <li>a token with {@code sid} is refused when its session is in the list;</li>
 *   <li>a token without {@code sid} (the Go original's) is refused when ANY session of its user
 *       was revoked at or after its {@code iat}. That is broader than needed (logging out one
 *       device also refuses the user's other legacy tokens) but safe: the client refreshes, and
 *       its new token carries {@code sid}.</li>
 * </ul>
 *
 * <p>The list is filled by {@link SessionRevocationPoller} (from user_devices, every second by
 * default) and, in the auth service, directly by whatever it revokes. So a revocation reaches the
 * other services within about one poll interval; while the poller cannot reach the database they
 * keep the list they have and revocations made meanwhile lag until it can again.
 *
 * <p>An entry is forgotten once no token issued before its revocation can still be valid, that is
 * {@code revoked_at + access token lifetime} (tokens of a revoked session are never issued after
 * its revocation). That is only right when every service validates with the same
 * {@code JWT_ACCESS_TTL} as the issuer, which they share anyway.
 *
 * <p>Listeners ({@link #addListener}) hear of every revocation when it is first added, on the
 * adding thread (the poller's, or an auth RPC's); realtime uses them to close open streams.
 */
public final class SessionRevocations {

  /** What services answer for a token of a revoked session. */
  public static final String REVOKED_MESSAGE = "session has been revoked";

  private static final Logger log = LoggerFactory.getLogger(SessionRevocations.class);

  /** One revoked session. */
  public record Revocation(String sessionId, String userId, Instant revokedAt) {
    public Revocation {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(revokedAt, "revokedAt");
    }
  }

  /** Told about revocations the list did not know yet. */
  @FunctionalInterface
  public interface Listener {
    void revoked(List<Revocation> revocations);
  }

  private final Duration retention;
  private final Clock clock;
  /** session id -> when it was revoked */
  private final ConcurrentHashMap<String, Instant> bySession = new ConcurrentHashMap<>();
  /** user id -> the latest revocation of any of the user's sessions (for tokens without sid) */
  private final ConcurrentHashMap<String, Instant> latestByUser = new ConcurrentHashMap<>();
  /** Every entry by revocation time, to forget them in order; guarded by {@code this}. */
  private final PriorityQueue<Revocation> byTime =
      new PriorityQueue<>(Comparator.comparing(Revocation::revokedAt));
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param accessTokenLifetime how long an entry is kept after its revocation: the access token
   *     lifetime ({@link TokenManager#accessTtl()})
   * @param clock the clock tokens are validated with
   */
  public SessionRevocations(Duration accessTokenLifetime, Clock clock) {
    Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime");
    if (accessTokenLifetime.isNegative() || accessTokenLifetime.isZero()) {
      throw new IllegalArgumentException("access token lifetime must be positive, got " + accessTokenLifetime);
    }
    this.retention = accessTokenLifetime;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A list keeping entries as long as {@code tokens}' access tokens live, on the same clock. */
  public static SessionRevocations forTokens(TokenManager tokens, Clock clock) {
    return new SessionRevocations(tokens.accessTtl(), clock);
  }

  /** Whether the token belongs to a revoked session (see the class comment). No I/O. */
  public boolean isRevoked(TokenClaims claims) {
    Optional<String> session = claims.sessionId();
    if (session.isPresent()) {
      return bySession.containsKey(session.get());
    }
    Instant latest = latestByUser.get(claims.userId());
    return latest != null && !latest.isBefore(claims.issuedAt());
  }

  /** Adds one revocation; see {@link #addAll}. */
  public boolean add(String sessionId, String userId, Instant revokedAt) {
    return !addAll(List.of(new Revocation(sessionId, userId, revokedAt))).isEmpty();
  }

  /**
   * Adds revocations (known ones and ones already past their retention are skipped), tells the
   * listeners about the new ones and returns them.
   */
  public List<Revocation> addAll(Collection<Revocation> revocations) {
    List<Revocation> added = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (Revocation revocation : revocations) {
        if (!now.isBefore(forgetAt(revocation))
            || bySession.putIfAbsent(revocation.sessionId(), revocation.revokedAt()) != null) {
          continue;
        }
        latestByUser.merge(revocation.userId(), revocation.revokedAt(),
            (old, candidate) -> candidate.isAfter(old) ? candidate : old);
        byTime.add(revocation);
        added.add(revocation);
      }
      forgetExpiredLocked(now);
    }
    if (!added.isEmpty()) {
      List<Revocation> view = List.copyOf(added);
      for (Listener listener : listeners) {
        try {
          listener.revoked(view);
        } catch (RuntimeException e) {
          log.warn("a session revocation listener failed", e);
        }
      }
    }
    return added;
  }

  /** Forgets the entries no valid token can match any more; returns how many. */
  public int forgetExpired() {
    synchronized (this) {
      return forgetExpiredLocked(clock.instant());
    }
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** Revoked sessions currently remembered. */
  public int size() {
    return bySession.size();
  }

  /** How long an entry is kept after its revocation. */
  public Duration retention() {
    return retention;
  }

  private Instant forgetAt(Revocation revocation) {
    return revocation.revokedAt().plus(retention);
  }

  private int forgetExpiredLocked(Instant now) {
    int forgotten = 0;
    Revocation oldest;
    while ((oldest = byTime.peek()) != null && !now.isBefore(forgetAt(oldest))) {
      byTime.poll();
      bySession.remove(oldest.sessionId(), oldest.revokedAt());
      // Only when no later revocation of the user replaced it.
      latestByUser.remove(oldest.userId(), oldest.revokedAt());
      forgotten++;
    }
    return forgotten;
  }
}
