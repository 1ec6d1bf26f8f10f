package com.whatsappclone.gateway;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import com.whatsappclone.common.error.ErrorDetails;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client call joined to one backend call, messages pumped both ways with flow control.
 *
 * <p>Backpressure: the gateway asks for one message at a time per direction, and asks the sending
 * side for the next one only once the receiving side is ready to take more, so a slow reader slows
 * down the writer at the other end (through the HTTP/2 windows) instead of filling the gateway's
 * memory.
 *
 * <p>Threads: callbacks of the client-facing call ({@link #clientListener}) and of the backend call
 * ({@link #backendListener}) run on different threads, each serialized by grpc-java. The server
 * call is used only from backend callbacks and the backend call only from client callbacks (and
 * the handler that started it); the one cross call is {@code request}, which grpc-java allows
 * from any thread.
 *
 * <p>Once the client-facing call is cancelled it is never touched again: no headers, messages or
 * close. grpc-java considers it over, and for some cancellations it has already ended the stream
 * itself: a request over the inbound size limit gets RESOURCE_EXHAUSTED trailers while the client
 * is still uploading it (the HTTP/2 stream is then half-closed on our side). A second HEADERS frame
 * on that stream is a connection error in Netty ("Stream 27 in unexpected state
 * HALF_CLOSED_LOCAL"): the client's whole connection would be torn down, failing its other calls.
 */
final class ForwardedCall {

  private static final Logger log = LoggerFactory.getLogger(ForwardedCall.class);

  private final ServerCall<byte[], byte[]> serverCall;
  private final ClientCall<byte[], byte[]> backendCall;
  private final String serviceName;
  /** Unary and server-streaming calls carry one client message; their backend call may never report ready. */
  private final boolean clientSendsOneMessage;
  private final Object lock = new Object();
  /** The client-facing call is over: closed here, or cancelled (then it must not be used at all). */
  private final AtomicBoolean clientCallDone = new AtomicBoolean();
  /** A client message was forwarded while the backend was not ready: ask for the next one on its onReady. */
  private boolean requestFromClientWhenBackendReady;
  /** A backend message was forwarded while the client was not ready: ask for the next one on its onReady. */
  private boolean requestFromBackendWhenClientReady;

  ForwardedCall(ServerCall<byte[], byte[]> serverCall, ClientCall<byte[], byte[]> backendCall, String serviceName) {
    this.serverCall = serverCall;
    this.backendCall = backendCall;
    this.serviceName = serviceName;
    this.clientSendsOneMessage = serverCall.getMethodDescriptor().getType().clientSendsOneMessage();
  }

  ServerCall.Listener<byte[]> clientListener() {
    return new ServerCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        backendCall.sendMessage(message);
        synchronized (lock) {
          if (clientSendsOneMessage || backendCall.isReady()) {
            // For one-message calls this only lets the half-close (or a stray second message,
            // which the backend rejects) through.
            serverCall.request(1);
          } else {
            requestFromClientWhenBackendReady = true;
          }
        }
      }

      @Override
      public void onHalfClose() {
        backendCall.halfClose();
      }

      @Override
      public void onCancel() {
        // The client cancelled, its deadline passed, it went away or its request was refused by
        // the transport: the backend stops working too, and its answer goes nowhere.
        clientCallDone.set(true);
        backendCall.cancel("the client cancelled the call", null);
      }

      @Override
      public void onReady() {
        synchronized (lock) {
          if (requestFromBackendWhenClientReady) {
            requestFromBackendWhenClientReady = false;
            backendCall.request(1);
          }
        }
      }
    };
  }

  ClientCall.Listener<byte[]> backendListener() {
    return new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata headers) {
        if (clientCallDone.get() || serverCall.isCancelled()) {
          return;
        }
        serverCall.sendHeaders(ForwardedMetadata.responseHeaders(headers));
      }

      @Override
      public void onMessage(byte[] message) {
        if (clientCallDone.get() || serverCall.isCancelled()) {
          return;
        }
        serverCall.sendMessage(message);
        synchronized (lock) {
          if (serverCall.isReady()) {
            backendCall.request(1);
          } else {
            requestFromBackendWhenClientReady = true;
          }
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (!serverCall.isCancelled() && clientCallDone.compareAndSet(false, true)) {
          Status facing = clientFacing(status);
          // The backend's own status keeps its details; one the gateway made gets an ErrorInfo.
          serverCall.close(facing, facing == status ? ForwardedMetadata.trailers(trailers)
              : ErrorDetails.trailers(facing, gatewayReason(facing), List.of()));
        }
      }

      @Override
      public void onReady() {
        synchronized (lock) {
          if (requestFromClientWhenBackendReady) {
            requestFromClientWhenBackendReady = false;
            serverCall.request(1);
          }
        }
      }
    };
  }

  /**
   * A status the backend sent passes unchanged. One made up by the gateway's own channel (it
   * carries a cause: connection refused, reset...) would describe the gateway's internals, such as
   * the backend's address, so the client gets a plain text instead and the log the details.
   */
  /** The ErrorInfo reason of a status the gateway made up for a failed call to a backend. */
  static String gatewayReason(Status status) {
    switch (status.getCode()) {
      case UNAVAILABLE: return "BACKEND_UNAVAILABLE";
      case DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
      case CANCELLED: return "CANCELLED";
      default: return "GATEWAY_ERROR";
    }
  }

  private Status clientFacing(Status status) {
    if (status.isOk() || status.getCause() == null) {
      return status;
    }
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      log.debug("{} unavailable: {}", serviceName, status, status.getCause());
      return Status.UNAVAILABLE.withDescription(serviceName + " is unavailable, try again later");
    }
    if (status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return Status.fromCode(status.getCode()).withDescription(status.getDescription());
    }
    log.warn("call to {} failed in the gateway: {}", serviceName, status, status.getCause());
    return Status.fromCode(status.getCode())
        .withDescription("the gateway could not complete the call to " + serviceName);
  }
}
