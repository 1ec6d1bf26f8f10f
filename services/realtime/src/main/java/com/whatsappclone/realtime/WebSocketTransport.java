package com.whatsappclone.realtime;

import com.whatsappclone.proto.realtime.ServerEvent;
import java.util.concurrent.atomic.AtomicBoolean;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

/**
 * A WebSocket connection as a {@link Transport}. Events go out in the encoding the client last
 * used: JSON text until it sends a binary frame (or asked for {@code encoding=binary}), binary
 * from then on, and back to JSON if it sends text again.
 *
 * <p>Java-WebSocket queues whatever it is given without limit, so this transport hands it an
 * event only while fewer than {@link #LIBRARY_QUEUE_WATERMARK} buffers wait for the socket; the
 * session's bounded queue holds the rest, and overflows there.
 */
final class WebSocketTransport implements Transport {

  /** A client that stopped reading; the client should reconnect (and catch up) later. */
  static final int CLOSE_OVERFLOW = CloseFrame.TRY_AGAIN_LATER; // 1013
  /** The server cannot serve the connection now (busy, database down, shutting down). */
  static final int CLOSE_UNAVAILABLE = CloseFrame.TRY_AGAIN_LATER; // 1013
  /**
   * The token expired or its session was revoked (an application code, 4000-4999): sign in or
   * refresh, then reconnect with the new token.
   */
  static final int CLOSE_UNAUTHENTICATED = 4001;

  private static final int LIBRARY_QUEUE_WATERMARK = 4;

  private final WebSocket connection;
  private final ConnectionCaps.Lease lease;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean binary;
  private volatile Session session;

  WebSocketTransport(WebSocket connection, boolean binary, ConnectionCaps.Lease lease) {
    this.connection = connection;
    this.binary = binary;
    this.lease = lease;
  }

  /** The connection's place in the per-user and per-address counts, released when it closes. */
  ConnectionCaps.Lease lease() {
    return lease;
  }

  void attach(Session session) {
    this.session = session;
  }

  Session session() {
    return session;
  }

  /** The client's last frame was binary ({@code true}) or text: answer the same way. */
  void clientUsed(boolean binaryFrame) {
    this.binary = binaryFrame;
  }

  /** On the selector thread, after the library wrote one buffer: move more events along. */
  void onBufferFlushed() {
    Session current = session;
    if (current != null) {
      current.drain();
    }
  }

  @Override
  public boolean isWritable() {
    return connection.isOpen() && !closing.get()
        && ((WebSocketImpl) connection).outQueue.size() < LIBRARY_QUEUE_WATERMARK;
  }

  @Override
  public void write(ServerEvent event) {
    try {
      if (binary) {
        connection.send(event.toByteArray());
      } else {
        connection.send(EventCodec.toJson(event));
      }
    } catch (WebsocketNotConnectedException e) {
      // Closed meanwhile; the close callback unregisters the session.
    }
  }

  @Override
  public void closeForOverflow(String reason) {
    close(CLOSE_OVERFLOW, reason);
  }

  @Override
  public void closeUnavailable(String reason) {
    close(CLOSE_UNAVAILABLE, reason);
  }

  @Override
  public void closeUnauthenticated(String errorReason, String reason) {
    close(CLOSE_UNAUTHENTICATED, reason);
  }

  private void close(int code, String reason) {
    if (closing.compareAndSet(false, true)) {
      // Close reasons are limited to 123 bytes by RFC 6455.
      connection.close(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }

  @Override
  public String kind() {
    return "websocket";
  }
}
