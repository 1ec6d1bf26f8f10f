package com.whatsappclone.common.error;

import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A rate limit or quota was hit: RESOURCE_EXHAUSTED. With a retry delay (when the limit knows
 * when it allows again), the status also carries a {@code google.rpc.RetryInfo} detail saying so.
 */
public class ResourceExhaustedException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public ResourceExhaustedException(String reason, String message) {
    super(Status.Code.RESOURCE_EXHAUSTED, reason, message, null);
    this.retryAfter = null;
  }

  /** @param retryAfter how long until the call may succeed; positive */
  public ResourceExhaustedException(String reason, String message, Duration retryAfter) {
    super(Status.Code.RESOURCE_EXHAUSTED, reason, message, null);
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
  protected List<Message> extraDetails() {
    return retryAfter == null ? List.of() : List.of(retryInfo(retryAfter));
  }

  /** The RetryInfo detail of a delay. */
  public static RetryInfo retryInfo(Duration delay) {
    return RetryInfo.newBuilder()
        .setRetryDelay(com.google.protobuf.Duration.newBuilder()
            .setSeconds(delay.getSeconds())
            .setNanos(delay.getNano()))
        .build();
  }
}
