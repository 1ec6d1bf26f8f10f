package com.whatsappclone.common.error;

/** Malformed input: INVALID_ARGUMENT, with a message that names the field. */
public class InvalidArgumentException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidArgumentException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The request field at fault, as named in the .proto (e.g. {@code phone_number}). */
  public String field() {
    return field;
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INVALID_ARGUMENT;
  }
}
