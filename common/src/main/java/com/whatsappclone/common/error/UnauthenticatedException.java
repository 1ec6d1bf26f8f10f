package com.whatsappclone.common.error;

import io.grpc.Status;

/** Missing, malformed, expired or revoked credentials: UNAUTHENTICATED. */
public class UnauthenticatedException extends DomainException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String reason, String message) {
    super(Status.Code.UNAUTHENTICATED, reason, message, null);
  }

  public UnauthenticatedException(String reason, String message, Throwable cause) {
    super(Status.Code.UNAUTHENTICATED, reason, message, cause);
  }
}
