package com.whatsappclone.realtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 with two additions: incoming frames (and reassembled fragmented messages) are limited
 * to {@link RealtimeSettings#MAX_FRAME_BYTES} (larger ones close the connection with 1009), and a
 * refused upgrade is answered with a real HTTP status.
 *
 * <p>Java-WebSocket can only refuse a handshake with "404 WebSocket Upgrade Failure";
 * docs/API.md ("WebSocket") wants 401 for a missing or bad token. The server answers the handshake with a {@link Refusal}, which
 * this draft writes as that status instead of "101 Switching Protocols"; the server then closes
 * the connection as soon as the answer is flushed, without ever treating it as open.
 *
 * <p>Requests that are not a WebSocket upgrade at all are refused the same way (400, or 431 for a
 * request head over {@link #MAX_REQUEST_HEAD_BYTES}). Left to the library, they get "404 WebSocket
 * Upgrade Failure" and the socket is never closed (it closes only connections that have a draft),
 * and a head that never ends is buffered without limit: either lets one client exhaust the
 * server's file descriptors or memory.
 */
final class HandshakeDraft extends Draft_6455 {

  /** The largest request head (request line and headers) read before refusing with 431. */
  static final int MAX_REQUEST_HEAD_BYTES = 16 * 1024;

  /** A request that this draft took on only to refuse it, with why. */
  private Refusal refusal;

  /** A handshake answer that refuses the upgrade with an HTTP error status. */
  static final class Refusal extends HandshakeImpl1Server {
    private final int status;
    private final String reason;
    private final String body;
    private final long retryAfterSeconds;

    Refusal(int status, String reason, String body) {
      this(status, reason, body, 0);
    }

    /** With a Retry-After header when {@code retryAfterSeconds} is positive. */
    Refusal(int status, String reason, String body, long retryAfterSeconds) {
      this.status = status;
      this.reason = reason;
      this.body = body;
      this.retryAfterSeconds = retryAfterSeconds;
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

  /** Why this connection's request is refused before any token is looked at; null if it is not. */
  Refusal refusal() {
    return refusal;
  }

  @Override
  public Handshakedata translateHandshake(ByteBuffer buffer) throws InvalidHandshakeException {
    if (headLength(buffer) > MAX_REQUEST_HEAD_BYTES) {
      return refuse(new Refusal(431, "Request Header Fields Too Large",
          "request head over " + MAX_REQUEST_HEAD_BYTES + " bytes"));
    }
    try {
      return super.translateHandshake(buffer);
    } catch (IncompleteHandshakeException e) {
      throw e; // the library waits for the rest of the head (at most MAX_REQUEST_HEAD_BYTES)
    } catch (InvalidHandshakeException e) {
      return refuse(new Refusal(400, "Bad Request", "not a WebSocket upgrade request"));
    }
  }

  @Override
  public HandshakeState acceptHandshakeAsServer(ClientHandshake handshake) throws InvalidHandshakeException {
    if (refusal != null) {
      return HandshakeState.MATCHED;
    }
    HandshakeState state;
    try {
      state = super.acceptHandshakeAsServer(handshake);
    } catch (InvalidHandshakeException e) {
      state = HandshakeState.NOT_MATCHED;
    }
    if (state == HandshakeState.NOT_MATCHED || isBlank(handshake.getFieldValue("Sec-WebSocket-Key"))) {
      refusal = new Refusal(400, "Bad Request",
          "not a WebSocket upgrade request (version 13 with Upgrade, Connection and Sec-WebSocket-Key headers)");
    }
    return HandshakeState.MATCHED;
  }

  @Override
  public HandshakeBuilder postProcessHandshakeResponseAsServer(ClientHandshake request,
      ServerHandshakeBuilder response) throws InvalidHandshakeException {
    if (response instanceof Refusal) {
      return response; // no Sec-WebSocket-Accept to compute: the request may not even have a key
    }
    return super.postProcessHandshakeResponseAsServer(request, response);
  }

  /** Bytes up to the blank line ending the head; all of them when it has not come yet. */
  private static int headLength(ByteBuffer buffer) {
    int start = buffer.position();
    int end = buffer.limit();
    for (int i = start; i + 3 < end; i++) {
      if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n' && buffer.get(i + 2) == '\r' && buffer.get(i + 3) == '\n') {
        return i - start;
      }
    }
    return end - start;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private Handshakedata refuse(Refusal why) {
    refusal = why;
    // Any client handshake: the server answers it with the refusal without reading it.
    HandshakeImpl1Client placeholder = new HandshakeImpl1Client();
    placeholder.setResourceDescriptor("/");
    return placeholder;
  }

  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
    if (!(handshake instanceof Refusal refusal)) {
      return super.createHandshake(handshake, withContent);
    }
    byte[] body = (refusal.body + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + refusal.status + " " + refusal.reason + "\r\n"
        + (refusal.status == 401 ? "WWW-Authenticate: Bearer\r\n" : "")
        + (refusal.retryAfterSeconds > 0 ? "Retry-After: " + refusal.retryAfterSeconds + "\r\n" : "")
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer response = ByteBuffer.allocate(headBytes.length + body.length);
    response.put(headBytes).put(body).flip();
    return Collections.singletonList(response);
  }
}
