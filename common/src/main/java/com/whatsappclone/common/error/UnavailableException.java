package com.whatsappclone.common.error;

/** A dependency (database, Kafka, Twilio) is down or unreachable: UNAVAILABLE. */
public class UnavailableException extends DomainException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAVAILABLE;
  }
}
