package com.whatsappclone.realtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 with two additions: incoming frames (and reassembled fragmented messages) are limited
 * to {@link RealtimeSettings#MAX_FRAME_BYTES} (larger ones close the connection with 1009), and a
 * refused upgrade is answered with a real HTTP status.
 *
 * <p>Java-WebSocket can only refuse a handshake with "404 WebSocket Upgrade Failure"; API.md wants
 * 401 for a missing or bad token. The server answers the handshake with a {@link Refusal}, which
 * this draft writes as that status instead of "101 Switching Protocols"; the server then closes
 * the connection as soon as the answer is flushed, without ever treating it as open.
 */
final class HandshakeDraft extends Draft_6455 {

  /** A handshake answer that refuses the upgrade with an HTTP error status. */
  static final class Refusal extends HandshakeImpl1Server {
    private final int status;
    private final String reason;
    private final String body;

    Refusal(int status, String reason, String body) {
      this.status = status;
      this.reason = reason;
      this.body = body;
    }
  }

  HandshakeDraft(int maxFrameBytes) {
    this(Collections.emptyList(), List.of(new Protocol("")), maxFrameBytes);
  }

  private HandshakeDraft(List<IExtension> extensions, List<IProtocol> protocols, int maxFrameBytes) {
    super(extensions, protocols, maxFrameBytes);
  }

  @Override
  public Draft copyInstance() {
    return new HandshakeDraft(
        getKnownExtensions().stream().map(IExtension::copyInstance).toList(),
        getKnownProtocols().stream().map(IProtocol::copyInstance).toList(),
        getMaxFrameSize());
  }

  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
    if (!(handshake instanceof Refusal refusal)) {
      return super.createHandshake(handshake, withContent);
    }
    byte[] body = (refusal.body + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + refusal.status + " " + refusal.reason + "\r\n"
        + (refusal.status == 401 ? "WWW-Authenticate: Bearer\r\n" : "")
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer response = ByteBuffer.allocate(headBytes.length + body.length);
    response.put(headBytes).put(body).flip();
    return Collections.singletonList(response);
  }
}
