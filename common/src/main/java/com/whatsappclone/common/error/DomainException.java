package com.whatsappclone.common.error;

/**
 * A business-rule outcome that a client should see as a specific gRPC status.
 *
 * <p>Services throw these; {@code ErrorMappingInterceptor} turns them into status codes in one
 * place. The message is shown to the client, so it must never contain secrets, tokens or SQL.
 */
public abstract class DomainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected DomainException(String message) {
    super(message);
  }

  protected DomainException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The outcome class, mapped to a gRPC code by the interceptor. */
  public abstract ErrorKind kind();
}
