package com.whatsappclone.common.error;

import io.grpc.Status;

/** A dependency (database, Kafka, Twilio) is down or unreachable: UNAVAILABLE. */
public class UnavailableException extends DomainException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String reason, String message) {
    super(Status.Code.UNAVAILABLE, reason, message, null);
  }

  public UnavailableException(String reason, String message, Throwable cause) {
    super(Status.Code.UNAVAILABLE, reason, message, cause);
  }
}
