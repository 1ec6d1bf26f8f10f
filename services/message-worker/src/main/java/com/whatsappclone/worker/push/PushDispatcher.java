package com.whatsappclone.worker.push;

import com.whatsappclone.common.lifecycle.DaemonThreads;
import com.whatsappclone.common.ratelimit.ClockTimeMeter;
import com.whatsappclone.common.ratelimit.KeyedBuckets;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications to the providers, at most {@code maxInFlight} at once, without ever making
 * its callers wait: everything it owns lives on one thread of its own.
 *
 * <p>Notifications waiting for the same device and conversation collapse into one (the newest
 * message, with the count of those it stands for), so a chatty conversation, a rate-limited device
 * or a provider outage grows nothing but counters. A device gets at most {@code
 * perDevicePerMinute} pushes a minute; the rest wait, collapsed. A provider's "later" (5xx, 429,
 * timeout) is retried with exponential backoff or its Retry-After, for up to {@code giveUpAfter},
 * and only while the session still holds the token; a dead token is removed from the session; any
 * other refusal is logged and dropped.
 */
final class PushDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LONGEST_RETRY = Duration.ofMinutes(1);

  private record Key(UUID session, String conversationId) {}

  private static final class Waiting {
    PushTarget target;
    PushNotification notification;
    final Instant firstQueuedAt;
    int attempts;
    Instant notBefore;

    Waiting(PushTarget target, PushNotification notification, Instant firstQueuedAt, Instant notBefore) {
      this.target = target;
      this.notification = notification;
      this.firstQueuedAt = firstQueuedAt;
      this.notBefore = notBefore;
    }
  }

  private final Map<PushPlatform, PushSender> senders;
  private final PushRegistrationStore store;
  private final PushSettings settings;
  private final Clock clock;
  private final KeyedBuckets perDevice;
  private final PushStats stats;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("push-dispatcher"));
  // Table work off the dispatcher's thread: removing a dead token, re-checking before a retry.
  private final ExecutorService database =
      Executors.newSingleThreadExecutor(DaemonThreads.named("push-registrations"));

  // Owned by the loop thread.
  private final LinkedHashMap<Key, Waiting> waiting = new LinkedHashMap<>();
  // One request per device and conversation at a time: what arrives meanwhile waits and collapses,
  // and the provider never gets two of one conversation out of order.
  private final Set<Key> inFlight = new HashSet<>();
  private ScheduledFuture<?> wakeUp;
  private Instant wakeUpAt;
  private final Map<PushPlatform, Boolean> warnedOff = new LinkedHashMap<>();

  // Read by the consumer to pause when the backlog is full.
  private final AtomicInteger backlog = new AtomicInteger();

  PushDispatcher(Map<PushPlatform, PushSender> senders, PushRegistrationStore store,
      PushSettings settings, Clock clock, MeterRegistry metrics) {
    this.senders = Map.copyOf(senders);
    this.stats = new PushStats(metrics);
    Gauge.builder("push.backlog", backlog, AtomicInteger::get)
        .description("Push notifications waiting or being sent").register(metrics);
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.perDevice = new KeyedBuckets(settings.perDevicePerMinute(), Duration.ofMinutes(1),
        settings.perDevicePerMinute(), new ClockTimeMeter(clock));
  }

  /** Queues a notification; returns at once. */
  void offer(PushTarget target, PushNotification notification) {
    backlog.incrementAndGet();
    try {
      loop.execute(() -> enqueue(target, notification, clock.instant(), 0, Instant.MIN));
    } catch (RejectedExecutionException closed) {
      backlog.decrementAndGet();
      stats.count(target.platform(), PushStats.Outcome.DROPPED);
    }
  }

  /** Notifications waiting or being sent; the consumer pauses while it is near {@code maxPending}. */
  int backlog() {
    return backlog.get();
  }

  PushStats stats() {
    return stats;
  }

  private void enqueue(PushTarget target, PushNotification notification, Instant queuedAt,
      int attempts, Instant notBefore) {
    Key key = new Key(target.sessionId(), notification.conversationId());
    Waiting existing = waiting.get(key);
    if (existing != null) {
      // One notification per device and conversation: the newest message, counting the others.
      // A fresh offer is newer than what waits; a retry coming back is older than what waits.
      boolean newer = attempts == 0;
      PushNotification latest = newer ? notification : existing.notification;
      existing.notification = new PushNotification(latest.conversationId(), latest.messageId(),
          latest.senderId(), existing.notification.unread() + notification.unread(), latest.body());
      existing.target = newer ? target : existing.target;
      existing.notBefore = notBefore.isAfter(existing.notBefore) ? notBefore : existing.notBefore;
      backlog.decrementAndGet();
      stats.collapsed.incrementAndGet();
    } else if (waiting.size() >= settings.maxPending()) {
      backlog.decrementAndGet();
      long dropped = stats.count(target.platform(), PushStats.Outcome.DROPPED);
      if (Long.bitCount(dropped) == 1) { // 1st, 2nd, 4th, 8th...: a hint, not a flood
        log.warn("push backlog full ({} waiting): {} notifications dropped so far",
            waiting.size(), dropped);
      }
      return;
    } else {
      Waiting entry = new Waiting(target, notification, queuedAt, notBefore);
      entry.attempts = attempts;
      waiting.put(key, entry);
    }
    pump();
  }

  /** Sends what is due while there is room in flight; wakes itself for what is due later. */
  private void pump() {
    Instant now = clock.instant();
    Instant nextDue = null;
    Iterator<Map.Entry<Key, Waiting>> entries = waiting.entrySet().iterator();
    while (entries.hasNext() && inFlight.size() < settings.maxInFlight()) {
      Map.Entry<Key, Waiting> next = entries.next();
      Waiting entry = next.getValue();
      if (inFlight.contains(next.getKey())) {
        continue; // woken again when that one completes
      }
      if (entry.notBefore.isAfter(now)) {
        nextDue = earliest(nextDue, entry.notBefore);
        continue;
      }
      ConsumptionProbe allowed = perDevice.tryConsume(entry.target.sessionId().toString());
      if (!allowed.isConsumed()) {
        entry.notBefore = now.plusNanos(allowed.getNanosToWaitForRefill());
        nextDue = earliest(nextDue, entry.notBefore);
        continue;
      }
      entries.remove();
      send(next.getKey(), entry);
    }
    if (nextDue != null) {
      wakeUpAt(nextDue, now);
    }
  }

  private void send(Key key, Waiting entry) {
    PushSender sender = senders.get(entry.target.platform());
    if (sender == null) {
      backlog.decrementAndGet();
      stats.count(entry.target.platform(), PushStats.Outcome.DROPPED);
      if (warnedOff.put(entry.target.platform(), true) == null) {
        log.warn("push: a device registered for {}, which this deployment has no credentials for;"
            + " its notifications are dropped", entry.target.platform());
      }
      return;
    }
    inFlight.add(key);
    entry.attempts++;
    sender.send(entry.target, entry.notification).whenComplete((outcome, failure) -> {
      PushOutcome result = failure == null ? outcome
          : PushOutcome.retry(Optional.empty(), "sender failed: " + failure);
      try {
        loop.execute(() -> completed(key, entry, result));
      } catch (RejectedExecutionException closed) {
        // shutting down: what was in flight is not retried
      }
    });
  }

  private void completed(Key key, Waiting entry, PushOutcome outcome) {
    inFlight.remove(key);
    switch (outcome.kind()) {
      case SENT -> {
        backlog.decrementAndGet();
        stats.count(entry.target.platform(), PushStats.Outcome.SENT);
      }
      case TOKEN_DEAD -> {
        backlog.decrementAndGet();
        stats.count(entry.target.platform(), PushStats.Outcome.TOKEN_DEAD);
        database.execute(() -> forgetDeadToken(entry.target, outcome));
      }
      case REJECTED -> {
        backlog.decrementAndGet();
        stats.count(entry.target.platform(), PushStats.Outcome.REJECTED);
        log.warn("push to session {} ({}) refused by the provider: {}; not retried",
            entry.target.sessionId(), entry.target.platform(), outcome.detail());
      }
      case RETRY -> retryLater(entry, outcome);
    }
    pump();
  }

  private void retryLater(Waiting entry, PushOutcome outcome) {
    Instant now = clock.instant();
    if (Duration.between(entry.firstQueuedAt, now).compareTo(settings.giveUpAfter()) >= 0) {
      backlog.decrementAndGet();
      stats.count(entry.target.platform(), PushStats.Outcome.GAVE_UP);
      log.warn("push to session {} ({}) given up after {} tries: {}", entry.target.sessionId(),
          entry.target.platform(), entry.attempts, outcome.detail());
      return;
    }
    stats.count(entry.target.platform(), PushStats.Outcome.RETRY);
    Duration delay = outcome.retryAfter().orElseGet(() -> backoff(entry.attempts));
    Instant notBefore = now.plus(delay);
    // Only while the session is still signed in with this token (a revoked one clears it).
    database.execute(() -> {
      boolean stillThere;
      try {
        stillThere = store.stillRegistered(entry.target);
      } catch (RuntimeException e) {
        stillThere = true; // the table is out of reach: keep trying, the next retry checks again
        log.warn("push: could not re-check session {} before retrying: {}", entry.target.sessionId(), e.toString());
      }
      boolean retry = stillThere;
      try {
        loop.execute(() -> {
          if (retry) {
            enqueue(entry.target, entry.notification, entry.firstQueuedAt, entry.attempts, notBefore);
          } else {
            backlog.decrementAndGet();
            stats.count(entry.target.platform(), PushStats.Outcome.DROPPED);
          }
        });
      } catch (RejectedExecutionException closed) {
        // shutting down
      }
    });
  }

  private void forgetDeadToken(PushTarget target, PushOutcome outcome) {
    try {
      if (store.forgetToken(target)) {
        log.info("push: session {} ({}) token reported dead ({}), registration removed",
            target.sessionId(), target.platform(), outcome.detail());
      }
    } catch (RuntimeException e) {
      log.warn("push: could not remove session {}'s dead token: {}", target.sessionId(), e.toString());
    }
  }

  /** 1 s, 2 s, 4 s... up to a minute, each ±20 % so that devices retried together spread out. */
  static Duration backoff(int attempts) {
    long base = FIRST_RETRY.toMillis() << Math.min(Math.max(attempts - 1, 0), 16);
    long capped = Math.min(base, LONGEST_RETRY.toMillis());
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (capped * jitter));
  }

  private void wakeUpAt(Instant due, Instant now) {
    if (wakeUp != null && !wakeUp.isDone() && !wakeUpAt.isAfter(due)) {
      return;
    }
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    wakeUpAt = due;
    long delayNanos = Math.max(0, Duration.between(now, due).toNanos());
    wakeUp = loop.schedule(this::pump, delayNanos, TimeUnit.NANOSECONDS);
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  /** Stops sending; the senders belong to {@link PushProviders}, which closes them. */
  @Override
  public void close() {
    loop.shutdownNow();
    database.shutdown();
    try {
      database.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
