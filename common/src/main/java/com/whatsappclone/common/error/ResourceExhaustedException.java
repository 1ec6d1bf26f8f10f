package com.whatsappclone.common.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A rate limit or quota was hit: RESOURCE_EXHAUSTED. With a retry delay (when the limit knows
 * when it allows again), the status also carries a {@code google.rpc.RetryInfo} detail saying so.
 */
public class ResourceExhaustedException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public ResourceExhaustedException(String message) {
    super(message);
    this.retryAfter = null;
  }

  public ResourceExhaustedException(String message, Throwable cause) {
    super(message, cause);
    this.retryAfter = null;
  }

  /** @param retryAfter how long until the call may succeed; positive */
  public ResourceExhaustedException(String message, Duration retryAfter) {
    super(message);
    if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive, got " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** How long until the call may succeed, when the limit knows. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.RESOURCE_EXHAUSTED;
  }
}
