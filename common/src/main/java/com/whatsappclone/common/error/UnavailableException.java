package com.whatsappclone.common.error;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;

/**
 * A dependency (database, Kafka, Twilio) is down or unreachable: UNAVAILABLE, with a
 * {@code google.rpc.RetryInfo} of {@link #RETRY_DELAY}, since UNAVAILABLE is by definition passing.
 */
public class UnavailableException extends DomainException {
  private static final long serialVersionUID = 1L;

  /**
   * A lost dependency is usually back within a second (a failover, a restart, a stall): sooner
   * would only add calls that fail the same way.
   */
  public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  public UnavailableException(String reason, String message) {
    super(Status.Code.UNAVAILABLE, reason, message, null);
  }

  public UnavailableException(String reason, String message, Throwable cause) {
    super(Status.Code.UNAVAILABLE, reason, message, cause);
  }

  @Override
  protected List<Message> extraDetails() {
    return List.of(ResourceExhaustedException.retryInfo(RETRY_DELAY));
  }
}
