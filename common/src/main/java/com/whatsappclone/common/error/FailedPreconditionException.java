package com.whatsappclone.common.error;

/** The request is valid but the system is not in a state to accept it: FAILED_PRECONDITION. */
public class FailedPreconditionException extends DomainException {
  private static final long serialVersionUID = 1L;

  public FailedPreconditionException(String message) {
    super(message);
  }

  public FailedPreconditionException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.FAILED_PRECONDITION;
  }
}
