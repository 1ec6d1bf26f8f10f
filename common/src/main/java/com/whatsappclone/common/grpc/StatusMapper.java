package com.whatsappclone.common.grpc;

import com.whatsappclone.common.error.DomainException;
import com.whatsappclone.common.error.ResourceExhaustedException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any exception a handler lets escape into the gRPC status of API.md's "Error codes".
 *
 * <p>Client-facing descriptions come only from domain exceptions (written for clients) or from
 * fixed texts; a bug becomes {@code INTERNAL} with a reference id that is logged next to the stack
 * trace, so that no SQL, stack trace or secret ever reaches a client.
 */
public final class StatusMapper {

  private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

  private StatusMapper() {}

  public static Status toStatus(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StatusRuntimeException) {
        return ((StatusRuntimeException) t).getStatus();
      }
      if (t instanceof StatusException) {
        return ((StatusException) t).getStatus();
      }
      if (t instanceof DomainException) {
        DomainException domain = (DomainException) t;
        return codeOf(domain).withDescription(domain.getMessage());
      }
      if (isDatabaseUnavailable(t)) {
        log.warn("database unavailable: {}", t.toString());
        return Status.UNAVAILABLE.withDescription("database unavailable, try again later");
      }
      if (isKafkaUnavailable(t)) {
        log.warn("message queue unavailable: {}", t.toString());
        return Status.UNAVAILABLE.withDescription("message queue unavailable, try again later");
      }
    }
    String reference = UUID.randomUUID().toString();
    log.error("unexpected error, reference {}", reference, error);
    return Status.INTERNAL.withDescription("internal error (reference " + reference + ")");
  }

  /**
   * The trailers to close a call with when it failed with {@code error} and
   * {@link #toStatus toStatus(error)} gave {@code status}: a {@code google.rpc.RetryInfo} detail
   * when the error is a {@link ResourceExhaustedException} that knows when to retry; else none.
   */
  public static Metadata toTrailers(Throwable error, Status status) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StatusRuntimeException || t instanceof StatusException) {
        return new Metadata();
      }
      if (t instanceof DomainException) {
        if (t instanceof ResourceExhaustedException) {
          Optional<Duration> retryAfter = ((ResourceExhaustedException) t).retryAfter();
          if (retryAfter.isPresent()) {
            return RetryDelay.trailers(status, retryAfter.get());
          }
        }
        return new Metadata();
      }
    }
    return new Metadata();
  }

  private static Status codeOf(DomainException domain) {
    switch (domain.kind()) {
      case INVALID_ARGUMENT: return Status.INVALID_ARGUMENT;
      case UNAUTHENTICATED: return Status.UNAUTHENTICATED;
      case PERMISSION_DENIED: return Status.PERMISSION_DENIED;
      case NOT_FOUND: return Status.NOT_FOUND;
      case ALREADY_EXISTS: return Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION: return Status.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED: return Status.RESOURCE_EXHAUSTED;
      case UNAVAILABLE: return Status.UNAVAILABLE;
      default: throw new IllegalStateException("unmapped error kind " + domain.kind());
    }
  }

  private static boolean isDatabaseUnavailable(Throwable t) {
    if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
      return true;
    }
    if (t instanceof SQLException) {
      String state = ((SQLException) t).getSQLState();
      // 08xxx: connection exceptions; 57P0x: server shutting down / cannot connect now.
      return state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }
    return false;
  }

  private static boolean isKafkaUnavailable(Throwable t) {
    return t instanceof org.apache.kafka.common.errors.TimeoutException
        || t instanceof org.apache.kafka.common.errors.NetworkException
        || t instanceof org.apache.kafka.common.errors.DisconnectException;
  }
}
