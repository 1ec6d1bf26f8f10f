package com.whatsappclone.realtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;

/**
 * Closes connections that have not completed their handshake in time. Java-WebSocket keeps a
 * connection that sends half a request forever (its lost-connection timer only watches open
 * ones), so a client that opens sockets and never finishes the upgrade would hold the server's
 * file descriptors until it runs out.
 */
final class HandshakeDeadline {

  private final long timeoutNanos;
  private final Map<WebSocketImpl, Long> pending = new ConcurrentHashMap<>();

  HandshakeDeadline(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** A connection was accepted: its handshake must be done within the timeout. */
  void accepted(WebSocketImpl connection) {
    pending.put(connection, System.nanoTime());
  }

  /** Called periodically: forgets finished handshakes, closes late ones. Returns how many it closed. */
  int sweep() {
    long now = System.nanoTime();
    int closed = 0;
    for (Map.Entry<WebSocketImpl, Long> entry : pending.entrySet()) {
      WebSocketImpl connection = entry.getKey();
      if (connection.getReadyState() != ReadyState.NOT_YET_CONNECTED) {
        pending.remove(connection);
      } else if (now - entry.getValue() > timeoutNanos) {
        pending.remove(connection);
        connection.closeConnection(CloseFrame.NEVER_CONNECTED, "handshake timeout", false);
        closed++;
      }
    }
    return closed;
  }

  int pendingCount() {
    return pending.size();
  }
}
