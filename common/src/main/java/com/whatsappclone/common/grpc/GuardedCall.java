package com.whatsappclone.common.grpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.io.InputStream;

/**
 * The call as the interceptors and the handler see it: typed as the original method, forwarding
 * to the raw call the server registered (see {@link RequestParsingGuard}).
 *
 * <p>{@link ParsingListener} may end the call on the listener thread while a streaming handler
 * sends from another; so outbound calls are serialized here, and once the call is {@linkplain
 * #markRejected rejected} whatever the handler still sends is dropped (it learns through
 * {@code onCancel}) instead of failing with "call is closed".
 */
final class GuardedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {

  private enum State { OPEN, CLOSED, REJECTED }

  private final ServerCall<InputStream, RespT> raw;
  private final MethodDescriptor<ReqT, RespT> method;
  private volatile State state = State.OPEN;

  GuardedCall(ServerCall<InputStream, RespT> raw, MethodDescriptor<ReqT, RespT> method) {
    this.raw = raw;
    this.method = method;
  }

  /**
   * Claims the call for a rejection unless it is already closed; from then on the handler's sends
   * and close are dropped. True if claimed: the caller must then {@link #closeRejected}.
   */
  synchronized boolean markRejected() {
    if (state != State.OPEN) {
      return false;
    }
    state = State.REJECTED;
    return true;
  }

  synchronized void closeRejected(Status status, Metadata trailers) {
    raw.close(status, trailers);
  }

  @Override
  public synchronized void close(Status status, Metadata trailers) {
    if (state == State.REJECTED) {
      return;
    }
    // A second close by the handler itself still reaches grpc-java, which reports it.
    state = State.CLOSED;
    raw.close(status, trailers);
  }

  @Override
  public synchronized void sendHeaders(Metadata headers) {
    if (state != State.REJECTED) {
      raw.sendHeaders(headers);
    }
  }

  @Override
  public synchronized void sendMessage(RespT message) {
    if (state != State.REJECTED) {
      raw.sendMessage(message);
    }
  }

  @Override
  public void request(int numMessages) {
    raw.request(numMessages);
  }

  @Override
  public boolean isReady() {
    return state != State.REJECTED && raw.isReady();
  }

  @Override
  public boolean isCancelled() {
    return state == State.REJECTED || raw.isCancelled();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    raw.setMessageCompression(enabled);
  }

  @Override
  public void setCompression(String compressor) {
    raw.setCompression(compressor);
  }

  @Override
  public void setOnReadyThreshold(int numBytes) {
    raw.setOnReadyThreshold(numBytes);
  }

  @Override
  public SecurityLevel getSecurityLevel() {
    return raw.getSecurityLevel();
  }

  @Override
  public Attributes getAttributes() {
    return raw.getAttributes();
  }

  @Override
  public String getAuthority() {
    return raw.getAuthority();
  }

  @Override
  public void triggerEvent(Object event) {
    raw.triggerEvent(event);
  }

  @Override
  public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
    return method;
  }
}
