package com.whatsappclone.common.error;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.util.List;

/**
 * Malformed input: INVALID_ARGUMENT, with a message that names the field ("field: problem") and a
 * {@code google.rpc.BadRequest} field violation saying the same for programs.
 */
public class InvalidArgumentException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  /** @param field the request field at fault, as named in the .proto (e.g. {@code phone_number}) */
  public InvalidArgumentException(String reason, String field, String problem) {
    super(Status.Code.INVALID_ARGUMENT, reason, field + ": " + problem, null);
    this.field = field;
    this.problem = problem;
  }

  /** The request field at fault, as named in the .proto (e.g. {@code phone_number}). */
  public String field() {
    return field;
  }

  @Override
  protected List<Message> extraDetails() {
    return List.of(ErrorDetails.badRequest(field, problem));
  }
}
