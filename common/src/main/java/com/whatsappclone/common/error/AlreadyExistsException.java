package com.whatsappclone.common.error;

import io.grpc.Status;

/** Creating something that already exists: ALREADY_EXISTS. */
public class AlreadyExistsException extends DomainException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String reason, String message) {
    super(Status.Code.ALREADY_EXISTS, reason, message, null);
  }

  public AlreadyExistsException(String reason, String message, Throwable cause) {
    super(Status.Code.ALREADY_EXISTS, reason, message, cause);
  }
}
