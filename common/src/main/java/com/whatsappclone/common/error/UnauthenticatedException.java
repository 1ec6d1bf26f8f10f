package com.whatsappclone.common.error;

/** Missing, malformed, expired or revoked credentials: UNAUTHENTICATED. */
public class UnauthenticatedException extends DomainException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String message) {
    super(message);
  }

  public UnauthenticatedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAUTHENTICATED;
  }
}
