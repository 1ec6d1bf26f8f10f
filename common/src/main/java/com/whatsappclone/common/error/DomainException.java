package com.whatsappclone.common.error;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A business-rule outcome that a client should see as a specific gRPC status. It knows that
 * status: its code (fixed by the subclass), its message, and its standard details
 * ({@code google.rpc.ErrorInfo} with a stable {@link #errorReason reason}, plus what the subclass
 * adds, such as {@code BadRequest} or {@code RetryInfo}); {@code StatusMapper} only asks for them.
 *
 * <p>The message is shown to the client, so it must never contain secrets, tokens or SQL. The
 * reason is for programs: UPPER_SNAKE, stable, listed in common/README.md.
 */
public abstract class DomainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,62}");

  private final Status.Code code;
  private final String reason;

  protected DomainException(Status.Code code, String reason, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    if (reason == null || !REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException("reason must be UPPER_SNAKE, got " + reason);
    }
    this.reason = reason;
  }

  /** The gRPC code clients see. */
  public final Status.Code code() {
    return code;
  }

  /** The {@code ErrorInfo.reason}: what went wrong, for programs (e.g. {@code NOT_A_PARTICIPANT}). */
  public final String errorReason() {
    return reason;
  }

  /** The status a call failing with this error ends with. */
  public final Status toStatus() {
    return Status.fromCode(code).withDescription(getMessage());
  }

  /** The trailers that carry {@link #toStatus}'s standard details. */
  public final Metadata toTrailers() {
    return ErrorDetails.trailers(toStatus(), reason, extraDetails());
  }

  /** This error as grpc-java throws it: status and trailers together. */
  public final StatusRuntimeException toStatusRuntimeException() {
    return toStatus().asRuntimeException(toTrailers());
  }

  /** Details besides the ErrorInfo; none unless a subclass knows more. */
  protected List<Message> extraDetails() {
    return List.of();
  }
}
