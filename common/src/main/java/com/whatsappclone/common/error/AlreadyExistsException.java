package com.whatsappclone.common.error;

/** Creating something that already exists: ALREADY_EXISTS. */
public class AlreadyExistsException extends DomainException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message);
  }

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.ALREADY_EXISTS;
  }
}
