package com.whatsappclone.common.error;

/** A rate limit or quota was hit: RESOURCE_EXHAUSTED. */
public class ResourceExhaustedException extends DomainException {
  private static final long serialVersionUID = 1L;

  public ResourceExhaustedException(String message) {
    super(message);
  }

  public ResourceExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.RESOURCE_EXHAUSTED;
  }
}
