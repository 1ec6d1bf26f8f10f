package com.whatsappclone.realtime;

import com.whatsappclone.common.config.ConnectionLimits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the open connections of each user and of each client address (both doors together:
 * WebSocket connections and Connect streams), and admits a new one only below the {@link ConnectionLimits}. Counts are
 * per instance: a user's devices spread over instances each count where they are.
 */
final class ConnectionCaps {

  /** An admitted connection's place in the counts, given back once when it closes. */
  interface Lease {
    void release();
  }

  /** Admitted (with the lease to release at close), or refused (with why, for the client). */
  record Admission(Lease lease, String refusal) {
    boolean admitted() {
      return lease != null;
    }
  }

  private final ConnectionLimits limits;
  private final ConcurrentHashMap<String, Integer> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();

  ConnectionCaps(ConnectionLimits limits) {
    this.limits = limits;
  }

  /** @param address the client's address, or null when it is not known (an in-process call) */
  Admission admit(String userId, String address) {
    if (address != null && !increment(byAddress, address, limits.maxPerAddress())) {
      return new Admission(null, "too many connections from this network address (at most "
          + limits.maxPerAddress() + ")");
    }
    if (!increment(byUser, userId, limits.maxPerUser())) {
      if (address != null) {
        decrement(byAddress, address);
      }
      return new Admission(null, "too many connections for this user (at most " + limits.maxPerUser()
          + " devices at once); close another one first");
    }
    AtomicBoolean released = new AtomicBoolean();
    return new Admission(() -> {
      if (released.compareAndSet(false, true)) {
        decrement(byUser, userId);
        if (address != null) {
          decrement(byAddress, address);
        }
      }
    }, null);
  }

  int connectionsOf(String userId) {
    return byUser.getOrDefault(userId, 0);
  }

  private static boolean increment(ConcurrentHashMap<String, Integer> counts, String key, int max) {
    boolean[] admitted = new boolean[1];
    counts.compute(key, (k, count) -> {
      int current = count == null ? 0 : count;
      admitted[0] = current < max;
      return admitted[0] ? current + 1 : count;
    });
    return admitted[0];
  }

  private static void decrement(ConcurrentHashMap<String, Integer> counts, String key) {
    // Entries at zero are removed, so the maps hold only keys with open connections.
    counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
  }
}
