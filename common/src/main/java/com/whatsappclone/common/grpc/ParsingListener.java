package com.whatsappclone.common.grpc;

import io.grpc.ServerCall;
import com.whatsappclone.common.error.ErrorDetails;
import io.grpc.Status;
import java.util.List;
import java.io.InputStream;

/**
 * Parses each raw request message with the method's marshaller and hands the result on; a message
 * that does not parse ends the call with {@code INVALID_ARGUMENT} and never reaches the handler.
 *
 * <p>Unary and server-streaming methods take one request message. grpc-java's own handler answers
 * {@code INTERNAL} to a client that half-closes without sending it; that is the client's mistake,
 * so it is answered {@code INVALID_ARGUMENT} here. (A second message is not delivered at all:
 * grpc-java resets such a stream, and the client sees CANCELLED.)
 *
 * <p>After a rejection the handler is told {@code onCancel} at once, as for a client that went
 * away: a streaming handler (Connect) stops and cleans up, a unary one never runs. The transport's
 * own end-of-call callback that follows is not passed on a second time.
 */
final class ParsingListener<ReqT> extends ServerCall.Listener<InputStream> {

  /** The ErrorInfo reason of a request whose bytes are not the method's message. */
  static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";


  private final ServerCall.Listener<ReqT> delegate;
  private final GuardedCall<ReqT, ?> call;
  private final String requestType;
  private final MalformedRequestLog log;
  private final boolean oneMessage;
  // Listener callbacks are serialized by grpc-java: no synchronization needed for these.
  private boolean gotMessage;
  private boolean rejected;

  ParsingListener(ServerCall.Listener<ReqT> delegate, GuardedCall<ReqT, ?> call, String requestType,
      MalformedRequestLog log) {
    this.delegate = delegate;
    this.call = call;
    this.requestType = requestType;
    this.log = log;
    this.oneMessage = call.getMethodDescriptor().getType().clientSendsOneMessage();
  }

  @Override
  public void onMessage(InputStream message) {
    if (rejected) {
      return;
    }
    gotMessage = true;
    ReqT request;
    try {
      request = call.getMethodDescriptor().parseRequest(message);
    } catch (RuntimeException e) {
      String reason = MalformedRequestLog.reasonOf(e);
      reject("request is not a valid " + requestType + ": " + reason, reason, e);
      return;
    }
    delegate.onMessage(request);
  }

  @Override
  public void onHalfClose() {
    if (rejected) {
      return;
    }
    if (oneMessage && !gotMessage && reject("expected one request message, got none", "no request message", null)) {
      return;
    }
    delegate.onHalfClose();
  }

  @Override
  public void onCancel() {
    if (!rejected) {
      delegate.onCancel();
    }
  }

  @Override
  public void onComplete() {
    if (!rejected) {
      delegate.onComplete();
    }
  }

  @Override
  public void onReady() {
    if (!rejected) {
      delegate.onReady();
    }
  }

  @Override
  public void onEvent(Object event) {
    if (!rejected) {
      delegate.onEvent(event);
    }
  }

  /**
   * Ends the call with INVALID_ARGUMENT and tells the handler it is over. False, doing nothing, if
   * the handler or an interceptor has closed the call already: then there is nobody left to tell.
   */
  private boolean reject(String description, String logReason, RuntimeException parseFailure) {
    if (!call.markRejected()) {
      return false;
    }
    rejected = true;
    log.rejected(call, logReason, parseFailure);
    Status status = Status.INVALID_ARGUMENT.withDescription(description);
    call.closeRejected(status, ErrorDetails.trailers(status, MALFORMED_REQUEST, List.of()));
    delegate.onCancel();
    return true;
  }
}
