package com.whatsappclone.auth;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.grpc.RequestIds;
import com.whatsappclone.common.grpc.StatusMapper;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per call outcome: method, status code, user id when known, masked phone number,
 * request id ({@link RequestIds}: the caller's only if it is safe to log) and duration. Never a
 * token, a code or a secret: only the facts in {@link CallLog}, and the status description, which
 * is written for clients and so carries none.
 *
 * <p>It has to log the code the client gets. GrpcServer's error mapping sits outside the
 * interceptors a service adds, so this one settles a failed call's status itself, with the same
 * {@link StatusMapper}: what a handler throws or passes to {@code onError} is mapped here, once,
 * and the mapping further out then has nothing left to do.
 */
final class RpcOutcomeLogger implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger("com.whatsappclone.auth.rpc");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    CallLog callLog = new CallLog();
    LoggingCall<ReqT, RespT> loggingCall = new LoggingCall<>(call, callLog, RequestIds.of(headers));
    Context context = Context.current().withValue(CallLog.KEY, callLog);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = Contexts.interceptCall(context, loggingCall, headers, next);
    } catch (RuntimeException e) {
      loggingCall.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new FailureListener<>(listener, loggingCall);
  }

  private static final class LoggingCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final CallLog callLog;
    private final String requestId;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();

    LoggingCall(ServerCall<ReqT, RespT> delegate, CallLog callLog, String requestId) {
      super(delegate);
      this.callLog = callLog;
      this.requestId = requestId;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Status outcome = status;
      if (!status.isOk() && status.getCause() != null
          && (status.getCode() == Status.Code.UNKNOWN || status.getDescription() == null)) {
        outcome = StatusMapper.toStatus(status.getCause());
        trailers.merge(StatusMapper.toTrailers(status.getCause(), outcome));
      }
      write(outcome);
      super.close(outcome, trailers);
    }

    void fail(Throwable error) {
      close(Status.UNKNOWN.withCause(error), new Metadata());
    }

    private void write(Status outcome) {
      String user = callLog.userId() != null ? callLog.userId() : AuthContext.userId().orElse("-");
      long millis = (System.nanoTime() - startedNanos) / 1_000_000;
      String method = getMethodDescriptor().getBareMethodName();
      String phone = callLog.maskedPhone() == null ? "-" : callLog.maskedPhone();
      if (outcome.isOk()) {
        log.info("rpc={} code=OK user={} phone={} request_id={} ms={}", method, user, phone, requestId, millis);
        return;
      }
      String description = outcome.getDescription() == null ? "" : outcome.getDescription();
      Status.Code code = outcome.getCode();
      if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.UNAVAILABLE) {
        log.warn("rpc={} code={} user={} phone={} request_id={} ms={} error=\"{}\"", method, code, user, phone,
            requestId, millis, description);
      } else {
        log.info("rpc={} code={} user={} phone={} request_id={} ms={} error=\"{}\"", method, code, user, phone,
            requestId, millis, description);
      }
    }
  }

  /** A handler that throws (rather than calling onError) fails its call here, through the same close. */
  private static final class FailureListener<ReqT, RespT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final LoggingCall<ReqT, RespT> call;

    FailureListener(ServerCall.Listener<ReqT> delegate, LoggingCall<ReqT, RespT> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(ReqT message) {
      try {
        super.onMessage(message);
      } catch (RuntimeException e) {
        call.fail(e);
      }
    }

    @Override
    public void onHalfClose() {
      try {
        super.onHalfClose();
      } catch (RuntimeException e) {
        call.fail(e);
      }
    }

    @Override
    public void onReady() {
      try {
        super.onReady();
      } catch (RuntimeException e) {
        call.fail(e);
      }
    }
  }
}

