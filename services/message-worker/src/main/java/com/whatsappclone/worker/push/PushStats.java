package com.whatsappclone.worker.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What push has done since start, for tests, the bench and (issue 19) metrics: each outcome is
 * counted here once, both in a total and in {@code push.sent{provider, outcome}}.
 */
public final class PushStats {

  /** How one notification ended, or ({@link #RETRY}) one attempt; the {@code outcome} tag. */
  enum Outcome {
    SENT, TOKEN_DEAD, RETRY, REJECTED, GAVE_UP, DROPPED;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  final AtomicLong sent = new AtomicLong();
  final AtomicLong collapsed = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong tokensDead = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong gaveUp = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  /** Made once: counting is an array read and an add. */
  private final Map<PushPlatform, Counter[]> counters = new EnumMap<>(PushPlatform.class);

  PushStats(MeterRegistry metrics) {
    for (PushPlatform platform : PushPlatform.values()) {
      Counter[] byOutcome = new Counter[Outcome.values().length];
      for (Outcome outcome : Outcome.values()) {
        byOutcome[outcome.ordinal()] = Counter.builder("push.sent")
            .description("Push notifications by provider and how they ended (retry: one attempt answered later)")
            .tag("provider", platform.column()).tag("outcome", outcome.tag).register(metrics);
      }
      counters.put(platform, byOutcome);
    }
  }

  /** @return the new total of that outcome, all providers together */
  long count(PushPlatform platform, Outcome outcome) {
    counters.get(platform)[outcome.ordinal()].increment();
    return total(outcome).incrementAndGet();
  }

  private AtomicLong total(Outcome outcome) {
    return switch (outcome) {
      case SENT -> sent;
      case TOKEN_DEAD -> tokensDead;
      case RETRY -> retried;
      case REJECTED -> rejected;
      case GAVE_UP -> gaveUp;
      case DROPPED -> dropped;
    };
  }

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
