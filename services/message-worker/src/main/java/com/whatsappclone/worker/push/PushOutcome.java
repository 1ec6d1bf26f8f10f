package com.whatsappclone.worker.push;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider answered for one push.
 *
 * <ul>
 *   <li>{@link Kind#SENT}: accepted (2xx).
 *   <li>{@link Kind#TOKEN_DEAD}: the token will never work again (FCM {@code UNREGISTERED} or a 404
 *       for the token, APNs 410 or {@code BadDeviceToken}); the registration is removed.
 *   <li>{@link Kind#RETRY}: try again later (5xx, 429, timeout, connection failure); {@code
 *       retryAfter} is the provider's Retry-After when it gave one.
 *   <li>{@link Kind#REJECTED}: any other refusal (4xx): never retried.
 * </ul>
 *
 * @param detail the provider's reason (e.g. {@code UNREGISTERED}, {@code BadDeviceToken}, an HTTP
 *     status), for logs and metrics; never the token
 */
public record PushOutcome(Kind kind, Optional<Duration> retryAfter, String detail) {

  public enum Kind { SENT, TOKEN_DEAD, RETRY, REJECTED }

  public PushOutcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(detail, "detail");
  }

  public static PushOutcome sent() {
    return new PushOutcome(Kind.SENT, Optional.empty(), "sent");
  }

  public static PushOutcome tokenDead(String detail) {
    return new PushOutcome(Kind.TOKEN_DEAD, Optional.empty(), detail);
  }

  public static PushOutcome retry(Optional<Duration> retryAfter, String detail) {
    return new PushOutcome(Kind.RETRY, retryAfter, detail);
  }

  public static PushOutcome rejected(String detail) {
    return new PushOutcome(Kind.REJECTED, Optional.empty(), detail);
  }
}
