package com.whatsappclone.status;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The gRPC status a call fails with. */
final class GrpcErrors {

  private GrpcErrors() {}

  static Status failureOf(ThrowingCallable call) {
    Status[] status = new Status[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> status[0] = e.getStatus());
    return status[0];
  }
}
