package com.whatsappclone.common.grpc;

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
 * Maps exceptions to gRPC statuses in one place, for unary and streaming calls alike.
 *
 * <p>Catches what a handler throws and also what it passes to {@code responseObserver.onError}
 * (grpc-java turns a plain exception there into {@code UNKNOWN} with the exception as the cause;
 * that cause is mapped here instead). A {@code ResourceExhaustedException} that knows when to
 * retry adds a {@code google.rpc.RetryInfo} detail ({@link RetryDelay}) to the trailers.
 */
public final class ErrorMappingInterceptor implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(ErrorMappingInterceptor.class);

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MappingCall<ReqT, RespT> mapping = new MappingCall<>(call);
    ServerCall.Listener<ReqT> delegate;
    try {
      delegate = next.startCall(mapping, headers);
    } catch (RuntimeException e) {
      mapping.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new GuardedListener<>(delegate, mapping);
  }

  private static final class MappingCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final AtomicBoolean closed = new AtomicBoolean();

    MappingCall(ServerCall<ReqT, RespT> delegate) {
      super(delegate);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Status mapped = status;
      if (!status.isOk() && status.getCause() != null
          && (status.getCode() == Status.Code.UNKNOWN || status.getDescription() == null)) {
        mapped = StatusMapper.toStatus(status.getCause());
        trailers.merge(StatusMapper.toTrailers(status.getCause(), mapped));
      }
      super.close(mapped, trailers);
    }

    void fail(Throwable error) {
      if (closed.get()) {
        log.warn("{} failed after its call was closed", getMethodDescriptor().getFullMethodName(), error);
        return;
      }
      Status status = StatusMapper.toStatus(error);
      close(status, StatusMapper.toTrailers(error, status));
    }
  }

  private static final class GuardedListener<ReqT, RespT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final MappingCall<ReqT, RespT> call;

    GuardedListener(ServerCall.Listener<ReqT> delegate, MappingCall<ReqT, RespT> call) {
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
