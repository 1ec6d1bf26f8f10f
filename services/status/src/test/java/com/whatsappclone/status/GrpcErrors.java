package com.whatsappclone.status;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The gRPC status a call fails with. */
final class GrpcErrors {

  private GrpcErrors() {}

  static Status failureOf(ThrowingCallable call) {
    return exceptionOf(call).getStatus();
  }

  /** The exception a call fails with, trailers included (for the status details). */
  static StatusRuntimeException exceptionOf(ThrowingCallable call) {
    StatusRuntimeException[] failure = new StatusRuntimeException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> failure[0] = e);
    return failure[0];
  }
}
