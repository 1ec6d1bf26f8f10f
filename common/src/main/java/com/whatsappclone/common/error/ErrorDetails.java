package com.whatsappclone.common.error;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Optional;

/**
 * The standard gRPC rich error model: a {@code google.rpc.Status} (repeating the status's code and
 * message) with details, in the {@code grpc-status-details-bin} trailer. Clients read it with
 * {@link StatusProto#fromThrowable} (grpc-java) or {@code status.FromError(err).Details()}
 * (grpc-go); the readers here are that, typed.
 */
public final class ErrorDetails {

  /** The {@code ErrorInfo.domain} of every error this system makes. */
  public static final String DOMAIN = "whatsapp-clone";

  private ErrorDetails() {}

  /**
   * Trailers carrying {@code status} with the {@code extra} details and then an ErrorInfo of
   * {@code reason}. (The order means nothing to readers that look details up by type; the
   * RetryInfo came first before there was an ErrorInfo, and still does.)
   */
  public static Metadata trailers(Status status, String reason, List<? extends Message> extra) {
    com.google.rpc.Status.Builder details = com.google.rpc.Status.newBuilder()
        .setCode(status.getCode().value())
        .setMessage(status.getDescription() == null ? "" : status.getDescription());
    extra.forEach(detail -> details.addDetails(Any.pack(detail)));
    details.addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()));
    // StatusProto writes the grpc-status-details-bin trailer (its key is not public).
    Metadata trailers = StatusProto.toStatusRuntimeException(details.build()).getTrailers();
    return trailers == null ? new Metadata() : trailers;
  }

  /** A BadRequest naming one request field and what is wrong with it. */
  public static BadRequest badRequest(String field, String description) {
    return BadRequest.newBuilder()
        .addFieldViolations(BadRequest.FieldViolation.newBuilder()
            .setField(field)
            .setDescription(description))
        .build();
  }

  /** The ErrorInfo of a failed call, if its status carries one. */
  public static Optional<ErrorInfo> errorInfo(Throwable failure) {
    return detail(failure, ErrorInfo.class);
  }

  /** The ErrorInfo reason of a failed call, or "" when it carries none. */
  public static String reason(Throwable failure) {
    return errorInfo(failure).map(ErrorInfo::getReason).orElse("");
  }

  /** The BadRequest of a failed call, if its status carries one. */
  public static Optional<BadRequest> badRequest(Throwable failure) {
    return detail(failure, BadRequest.class);
  }

  /** The first detail of type {@code type} in a failed call's status. */
  public static <T extends Message> Optional<T> detail(Throwable failure, Class<T> type) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return Optional.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(type)) {
        try {
          return Optional.of(detail.unpack(type));
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
