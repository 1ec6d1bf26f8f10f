package com.whatsappclone.common.error;

import io.grpc.Status;

/** The request is valid but the system is not in a state to accept it: FAILED_PRECONDITION. */
public class FailedPreconditionException extends DomainException {
  private static final long serialVersionUID = 1L;

  public FailedPreconditionException(String reason, String message) {
    super(Status.Code.FAILED_PRECONDITION, reason, message, null);
  }

  public FailedPreconditionException(String reason, String message, Throwable cause) {
    super(Status.Code.FAILED_PRECONDITION, reason, message, cause);
  }
}
