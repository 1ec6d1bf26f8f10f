package com.whatsappclone.worker.push;

import java.util.concurrent.atomic.AtomicLong;

/** What push has done since start, for tests, the bench and (issue 19) metrics. */
public final class PushStats {

  final AtomicLong sent = new AtomicLong();
  final AtomicLong collapsed = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong tokensDead = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong gaveUp = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();

  /** Accepted by a provider. */
  public long sent() {
    return sent.get();
  }

  /** Folded into a notification already waiting for the same device and conversation. */
  public long collapsed() {
    return collapsed.get();
  }

  /** Provider answers "later" that were scheduled again. */
  public long retried() {
    return retried.get();
  }

  /** Tokens the provider reported dead (their registrations are removed). */
  public long tokensDead() {
    return tokensDead.get();
  }

  /** Refused by the provider for good (4xx other than a dead token). */
  public long rejected() {
    return rejected.get();
  }

  /** Still refused "later" when {@code PUSH_GIVE_UP_AFTER} had passed. */
  public long gaveUp() {
    return gaveUp.get();
  }

  /** Never sent: backlog full, no credentials for the platform, or the session went away. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public String toString() {
    return "sent=" + sent + " collapsed=" + collapsed + " retried=" + retried + " tokensDead="
        + tokensDead + " rejected=" + rejected + " gaveUp=" + gaveUp + " dropped=" + dropped;
  }
}
