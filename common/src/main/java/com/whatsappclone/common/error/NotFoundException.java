package com.whatsappclone.common.error;

import io.grpc.Status;

/** An id that names nothing: NOT_FOUND. */
public class NotFoundException extends DomainException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String reason, String message) {
    super(Status.Code.NOT_FOUND, reason, message, null);
  }

  public NotFoundException(String reason, String message, Throwable cause) {
    super(Status.Code.NOT_FOUND, reason, message, cause);
  }
}
