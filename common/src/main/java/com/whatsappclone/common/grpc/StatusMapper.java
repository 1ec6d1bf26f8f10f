package com.whatsappclone.common.grpc;

import com.google.protobuf.Message;
import com.whatsappclone.common.error.DomainException;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any exception a handler lets escape into the gRPC status of docs/API.md's "Error codes" and
 * the trailers with its standard details.
 *
 * <p>A {@link DomainException} knows its own status and details. A lost database or Kafka is
 * UNAVAILABLE ({@code DATABASE_UNAVAILABLE}, {@code QUEUE_UNAVAILABLE}, both with a RetryInfo); a bug becomes
 * INTERNAL ({@code INTERNAL}) with a reference id that is logged next to the stack trace, so
 * that no SQL, stack trace or secret ever reaches a client.
 */
public final class StatusMapper {

  private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

  /**
   * The RetryInfo delay of DATABASE_UNAVAILABLE and QUEUE_UNAVAILABLE, as of every
   * {@link UnavailableException}; the bounded wait for a connection already paces a client that
   * retries at once.
   */
  public static final Duration DATABASE_RETRY_DELAY = UnavailableException.RETRY_DELAY;

  private StatusMapper() {}

  public static Status toStatus(Throwable error) {
    for (Throwable t = error; t != null; t = next(t)) {
      if (t instanceof StatusRuntimeException) {
        return ((StatusRuntimeException) t).getStatus();
      }
      if (t instanceof StatusException) {
        return ((StatusException) t).getStatus();
      }
      if (t instanceof DomainException) {
        return ((DomainException) t).toStatus();
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
   * {@link #toStatus toStatus(error)} gave {@code status}: the standard details (ErrorInfo, and
   * BadRequest or RetryInfo where the error knows them). A status exception keeps its own.
   */
  public static Metadata toTrailers(Throwable error, Status status) {
    for (Throwable t = error; t != null; t = next(t)) {
      if (t instanceof StatusRuntimeException || t instanceof StatusException) {
        Metadata own = Status.trailersFromThrowable(t);
        return own == null ? new Metadata() : own;
      }
      if (t instanceof DomainException) {
        return ((DomainException) t).toTrailers();
      }
    }
    String reason = reasonOf(error);
    // A stalled or lost database or queue are the failures found here that know they are passing.
    List<Message> extra = Reasons.DATABASE_UNAVAILABLE.equals(reason) || Reasons.QUEUE_UNAVAILABLE.equals(reason)
        ? List.of(ResourceExhaustedException.retryInfo(DATABASE_RETRY_DELAY)) : List.of();
    return ErrorDetails.trailers(status, reason, extra);
  }

  /**
   * The ErrorInfo reason {@link #toTrailers} gives {@code error}, for a client told otherwise
   * (a WebSocket Error event); "" for a status exception that carries none. Logs nothing.
   */
  public static String reasonOf(Throwable error) {
    for (Throwable t = error; t != null; t = next(t)) {
      if (t instanceof StatusRuntimeException || t instanceof StatusException) {
        return ErrorDetails.reason(t);
      }
      if (t instanceof DomainException) {
        return ((DomainException) t).errorReason();
      }
      if (isDatabaseUnavailable(t)) {
        return Reasons.DATABASE_UNAVAILABLE;
      }
      if (isKafkaUnavailable(t)) {
        return Reasons.QUEUE_UNAVAILABLE;
      }
    }
    return Reasons.INTERNAL;
  }

  private static Throwable next(Throwable t) {
    return t.getCause() == t ? null : t.getCause();
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
