package com.whatsappclone.common.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code google.rpc.RetryInfo} detail of a status: when a refused call may be tried again.
 * It travels in the {@code grpc-status-details-bin} trailer as a {@code google.rpc.Status} whose
 * code and message repeat the status's own, the standard gRPC rich error model that clients read
 * with {@link StatusProto#fromThrowable} (grpc-java) or {@code status.FromError(err).Details()}
 * (grpc-go).
 */
public final class RetryDelay {

  private RetryDelay() {}

  /** Trailers carrying {@code status} with a RetryInfo of {@code delay}. */
  public static Metadata trailers(Status status, Duration delay) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(delay, "delay");
    com.google.rpc.Status details = com.google.rpc.Status.newBuilder()
        .setCode(status.getCode().value())
        .setMessage(status.getDescription() == null ? "" : status.getDescription())
        .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(toProto(delay)).build()))
        .build();
    // StatusProto writes the grpc-status-details-bin trailer (its key is not public).
    Metadata trailers = StatusProto.toStatusRuntimeException(details).getTrailers();
    return trailers == null ? new Metadata() : trailers;
  }

  /** The RetryInfo delay of a failed call, if its status carries one. */
  public static Optional<Duration> of(Throwable failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return Optional.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Optional.of(Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static com.google.protobuf.Duration toProto(Duration delay) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(delay.getSeconds())
        .setNanos(delay.getNano())
        .build();
  }
}
