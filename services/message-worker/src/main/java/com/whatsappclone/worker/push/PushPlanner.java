package com.whatsappclone.worker.push;

import com.whatsappclone.common.lifecycle.DaemonThreads;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.worker.push.PushRegistrationStore.Delivery;
import com.whatsappclone.worker.push.PushRegistrationStore.Registration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which devices hear of a stored message by push: every registered session of a recipient
 * with no live WebSocket at once, and a session with one only if its user has still not
 * acknowledged the message after {@code PUSH_ACK_GRACE} (a phone that keeps a frozen socket open
 * in the background). One query per batch of stored messages, one or two per grace round.
 */
final class PushPlanner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PushPlanner.class);
  static final int MAX_BODY_CODE_POINTS = 200;

  /**
   * A connected session that gets a push only if the message stays unacknowledged. Holds the
   * notification, not the stored message: tens of thousands wait at a few thousand deliveries a
   * second.
   */
  private record GraceCheck(Instant due, UUID messageId, PushNotification notification, UUID userId,
      UUID sessionId) {}

  private final PushRegistrationStore store;
  private final PushDispatcher dispatcher;
  private final PushSettings settings;
  private final Clock clock;
  private final ArrayDeque<GraceCheck> graceChecks = new ArrayDeque<>(); // in due order
  private long graceDropped;
  private final ScheduledExecutorService graceTimer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("push-grace"));

  PushPlanner(PushRegistrationStore store, PushDispatcher dispatcher, PushSettings settings,
      Clock clock) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.settings = settings;
    this.clock = clock;
  }

  void start() {
    long everyMillis = Math.max(100, Math.min(1_000, settings.ackGrace().toMillis() / 4));
    graceTimer.scheduleWithFixedDelay(this::runGraceChecks, everyMillis, everyMillis,
        TimeUnit.MILLISECONDS);
  }

  /** Plans the pushes for one batch of stored messages (the consumer's thread). */
  void plan(List<MessageStored> batch) {
    Set<UUID> recipients = new LinkedHashSet<>();
    for (MessageStored message : batch) {
      message.getRecipientIdsList().forEach(id -> recipients.add(UUID.fromString(id)));
    }
    Instant now = clock.instant();
    Map<UUID, List<Registration>> byUser = byUser(
        store.registrations(recipients, now.minus(settings.connectionLiveFor())));
    if (byUser.isEmpty()) {
      return;
    }
    Instant due = now.plus(settings.ackGrace());
    List<GraceCheck> later = new ArrayList<>();
    for (MessageStored message : batch) {
      PushNotification notification = null;
      for (String recipient : message.getRecipientIdsList()) {
        UUID user = UUID.fromString(recipient);
        for (Registration registration : byUser.getOrDefault(user, List.of())) {
          notification = notification != null ? notification : notification(message);
          if (registration.connected()) {
            later.add(new GraceCheck(due, UUID.fromString(message.getMessageId()), notification, user,
                registration.target().sessionId()));
          } else {
            dispatcher.offer(registration.target(), notification);
          }
        }
      }
    }
    if (!later.isEmpty()) {
      addGraceChecks(later);
    }
  }

  private synchronized void addGraceChecks(List<GraceCheck> checks) {
    for (GraceCheck check : checks) {
      if (graceChecks.size() >= settings.maxGraceChecks()) {
        graceChecks.pollFirst(); // the oldest: its device is connected, it most likely has it
        if (Long.bitCount(++graceDropped) == 1) {
          log.warn("push: {} grace checks waiting, {} dropped so far", graceChecks.size(), graceDropped);
        }
      }
      graceChecks.addLast(check);
    }
  }

  private synchronized List<GraceCheck> takeDue(Instant now) {
    List<GraceCheck> due = new ArrayList<>();
    while (!graceChecks.isEmpty() && !graceChecks.peekFirst().due().isAfter(now)) {
      due.add(graceChecks.pollFirst());
    }
    return due;
  }

  private void runGraceChecks() {
    List<GraceCheck> due = takeDue(clock.instant());
    if (due.isEmpty()) {
      return;
    }
    try {
      Set<Delivery> deliveries = new HashSet<>();
      due.forEach(c -> deliveries.add(new Delivery(c.messageId(), c.userId())));
      Set<Delivery> unacknowledged = store.undelivered(deliveries);
      if (unacknowledged.isEmpty()) {
        return;
      }
      Set<UUID> users = new HashSet<>();
      unacknowledged.forEach(d -> users.add(d.userId()));
      // Read again: a session revoked or unregistered meanwhile gets nothing.
      Map<UUID, PushTarget> sessions = new HashMap<>();
      store.registrations(users, clock.instant().minus(settings.connectionLiveFor())).forEach(r -> sessions.put(r.target().sessionId(), r.target()));
      for (GraceCheck check : due) {
        Delivery delivery = new Delivery(check.messageId(), check.userId());
        PushTarget target = sessions.get(check.sessionId());
        if (target != null && unacknowledged.contains(delivery)) {
          dispatcher.offer(target, check.notification());
        }
      }
    } catch (RuntimeException e) {
      // A database hiccup costs these devices their late push; they are connected and will
      // receive the messages through the catch-up anyway.
      log.warn("push: {} grace checks skipped: {}", due.size(), e.toString());
    }
  }

  private PushNotification notification(MessageStored message) {
    Optional<String> body = Optional.empty();
    if (settings.showContent() && !message.getContent().isBlank()) {
      body = Optional.of(shortened(message.getContent()));
    }
    return new PushNotification(message.getConversationId(), message.getMessageId(),
        message.getSenderId(), 1, body);
  }

  static String shortened(String content) {
    if (content.codePointCount(0, content.length()) <= MAX_BODY_CODE_POINTS) {
      return content;
    }
    return content.substring(0, content.offsetByCodePoints(0, MAX_BODY_CODE_POINTS - 1)) + "…";
  }

  private static Map<UUID, List<Registration>> byUser(List<Registration> registrations) {
    Map<UUID, List<Registration>> byUser = new HashMap<>();
    registrations.forEach(r -> byUser.computeIfAbsent(r.target().userId(), u -> new ArrayList<>()).add(r));
    return byUser;
  }

  @Override
  public void close() {
    graceTimer.shutdownNow();
  }
}
