package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that a call fails with a given status code. */
final class GrpcAssertions {

  private GrpcAssertions() {}

  /** The call fails with {@code code}; returns the status description for further checks. */
  static String assertFailsWith(Status.Code code, ThrowingCallable call) {
    StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(error).as("the call should fail with " + code).isNotNull();
    assertThat(error.getStatus().getCode()).as(error.getStatus().toString()).isEqualTo(code);
    return error.getStatus().getDescription() == null ? "" : error.getStatus().getDescription();
  }
}
