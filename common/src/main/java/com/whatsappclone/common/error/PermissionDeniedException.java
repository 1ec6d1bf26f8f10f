package com.whatsappclone.common.error;

/** Authenticated but not allowed (not a participant, someone else's status): PERMISSION_DENIED. */
public class PermissionDeniedException extends DomainException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }

  public PermissionDeniedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.PERMISSION_DENIED;
  }
}
