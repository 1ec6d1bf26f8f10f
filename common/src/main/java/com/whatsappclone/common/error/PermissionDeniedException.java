package com.whatsappclone.common.error;

import io.grpc.Status;

/** Authenticated but not allowed (not a participant, someone else's status): PERMISSION_DENIED. */
public class PermissionDeniedException extends DomainException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String reason, String message) {
    super(Status.Code.PERMISSION_DENIED, reason, message, null);
  }

  public PermissionDeniedException(String reason, String message, Throwable cause) {
    super(Status.Code.PERMISSION_DENIED, reason, message, cause);
  }
}
