package com.whatsappclone.bench.ws;

import java.nio.ByteBuffer;

/**
 * What a {@link WebSocketConnection} tells its owner. Every call runs on the connection's loop
 * thread: keep it short and never block.
 */
public interface WebSocketListener {

  /** The upgrade was accepted (HTTP 101). */
  default void onOpen(WebSocketConnection connection) {}

  /** A binary message; {@code payload} is only valid during the call. */
  default void onBinary(WebSocketConnection connection, ByteBuffer payload) {}

  default void onText(WebSocketConnection connection, String text) {}

  /**
   * The connection is gone: a close frame ({@code code} as sent), the socket ending (1006), or a
   * failure before or during the handshake ({@link WebSocketConnection#FAILED}, with the reason).
   * Called once.
   */
  default void onClose(WebSocketConnection connection, int code, String reason) {}
}
