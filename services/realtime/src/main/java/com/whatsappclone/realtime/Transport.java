package com.whatsappclone.realtime;

import com.whatsappclone.proto.realtime.ServerEvent;

/**
 * One door into a client: a WebSocket connection or a gRPC {@code Connect} stream. A
 * {@link Session} owns the outgoing queue and hands events to its transport only while the
 * transport says it can take them, so no transport ever buffers without bound.
 *
 * <p>{@link #write} is called under the session's lock (one at a time, in order). The close
 * methods are called outside it and may race with each other; implementations make them
 * idempotent.
 */
interface Transport {

  /** Whether the transport can take another event now without piling it up in memory. */
  boolean isWritable();

  /** Sends one event; only called after {@link #isWritable()} said yes. */
  void write(ServerEvent event);

  /** The client fell too far behind: close with the transport's "slow consumer" signal. */
  void closeForOverflow(String reason);

  /** The server cannot serve this connection (overloaded, database down, shutting down). */
  void closeUnavailable(String reason);

  /**
   * The connection's credentials no longer hold (token expired, session revoked): close with the
   * transport's "unauthenticated" signal and {@code reason}, which the client is shown;
   * {@code errorReason} is the stable ErrorInfo reason where the transport carries one (gRPC).
   */
  void closeUnauthenticated(String errorReason, String reason);

  /** "websocket" or "grpc", for logs. */
  String kind();
}
