package com.whatsappclone.realtime;

import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.auth.InvalidTokenException;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.proto.realtime.ClientEvent;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket door ({@code ws://HOST:REALTIME_SERVICE_WS_PORT/ws}), a Java-WebSocket server.
 *
 * <p>The handshake checks the path (else 404) and the access token, which must be valid and not
 * of a revoked session (else 401, see {@link HandshakeDraft}). Frames are decoded here and handed to {@link RealtimeService}, which
 * queues any database or Kafka work on its worker pool: nothing blocking runs on the library's
 * selector or decoder threads. Idle connections are pinged every {@code pingInterval} and closed
 * when no pong came for 1.5 times that (Java-WebSocket's connection-lost detection).
 */
final class RealtimeWebSocketServer extends WebSocketServer implements AutoCloseable {

  /** Accept backlog: connections waiting for the server to accept them. */
  static final int MAX_PENDING_CONNECTIONS = 4096;

  private static final Logger log = LoggerFactory.getLogger(RealtimeWebSocketServer.class);
  private static final int STOP_TIMEOUT_MS = 5_000;

  /** Attached to a connection whose handshake passed, until it opens. */
  private record Authenticated(TokenClaims claims, boolean binary) {}

  private static final Object REFUSED = new Object();

  private final TokenManager tokens;
  private final SessionRevocations revocations;
  private final RealtimeService service;
  private final CompletableFuture<Void> started = new CompletableFuture<>();

  RealtimeWebSocketServer(InetSocketAddress address, TokenManager tokens, SessionRevocations revocations,
      RealtimeService service, RealtimeSettings settings) {
    super(address, Math.max(2, Runtime.getRuntime().availableProcessors()),
        List.<Draft>of(new HandshakeDraft(RealtimeSettings.MAX_FRAME_BYTES)));
    this.tokens = tokens;
    this.revocations = revocations;
    this.service = service;
    setWebSocketFactory(new FlushNotifyingSocketFactory(settings.webSocketSendBuffer()));
    setConnectionLostTimeout((int) Math.max(1, settings.pingInterval().toSeconds()));
    setTcpNoDelay(true);
    setReuseAddr(true);
    // The default accept backlog (50) drops handshakes when many devices reconnect at once,
    // e.g. after a restart; the kernel caps it at net.core.somaxconn anyway.
    setMaxPendingConnections(MAX_PENDING_CONNECTIONS);
    setDaemon(true);
  }

  /** Starts the selector thread and waits until the port is bound. */
  void startAndAwait() {
    start();
    try {
      started.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("WebSocket server could not listen on " + getAddress() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("WebSocket server did not start within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the WebSocket server", e);
    }
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    if (!WebSocketHandshake.hasPath(request)) {
      // Not the library's own 404 (an InvalidDataException): after that one it never closes the
      // socket. A Refusal is answered and closed like the 401.
      conn.setAttachment(REFUSED);
      return new HandshakeDraft.Refusal(404, "Not Found", "no WebSocket endpoint at this path; use "
          + WebSocketHandshake.PATH);
    }
    WebSocketHandshake.Credentials credentials = WebSocketHandshake.credentials(request);
    String problem = credentials.problem();
    if (credentials.token().isPresent()) {
      try {
        TokenClaims claims = tokens.validateAccessToken(credentials.token().get());
        if (Ids.parseOrNull(claims.userId()) == null) {
          problem = "token subject is not a user id";
        } else if (revocations.isRevoked(claims)) {
          problem = SessionRevocations.REVOKED_MESSAGE;
        } else {
          conn.setAttachment(new Authenticated(claims, WebSocketHandshake.wantsBinary(request)));
          return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        }
      } catch (InvalidTokenException e) {
        problem = e.getMessage();
      }
    }
    log.debug("refused a WebSocket handshake: {}", problem);
    conn.setAttachment(REFUSED);
    return new HandshakeDraft.Refusal(401, "Unauthorized", "unauthenticated: " + problem);
  }

  /** A refused handshake is answered (401) and closed here, before it could count as open. */
  @Override
  protected boolean addConnection(WebSocket conn) {
    if (!(conn.getAttachment() instanceof Authenticated)) {
      ((WebSocketImpl) conn).flushAndClose(CloseFrame.POLICY_VALIDATION, "unauthenticated", false);
      return false;
    }
    return super.addConnection(conn);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    Authenticated user = conn.getAttachment();
    WebSocketTransport transport = new WebSocketTransport(conn, user.binary());
    Session session = service.open(user.claims(), transport);
    transport.attach(session);
    conn.setAttachment(transport);
    service.connect(session);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    if (conn.getAttachment() instanceof WebSocketTransport transport && transport.session() != null) {
      service.disconnect(transport.session());
    }
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    if (!(conn.getAttachment() instanceof WebSocketTransport transport)) {
      return;
    }
    transport.clientUsed(false);
    ClientEvent event;
    try {
      event = EventCodec.fromJson(message);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      service.rejectFrame(transport.session(), "frame is not a ClientEvent in protobuf JSON: " + brief(e));
      return;
    }
    service.receive(transport.session(), event);
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    if (!(conn.getAttachment() instanceof WebSocketTransport transport)) {
      return;
    }
    transport.clientUsed(true);
    ClientEvent event;
    try {
      event = EventCodec.fromBinary(message);
    } catch (InvalidProtocolBufferException e) {
      service.rejectFrame(transport.session(), "frame is not a ClientEvent in protobuf binary: " + brief(e));
      return;
    }
    service.receive(transport.session(), event);
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      // Server-level: binding the port failed, or the selector died.
      started.completeExceptionally(ex);
      log.error("WebSocket server error", ex);
    } else {
      log.debug("WebSocket connection error: {}", ex.toString());
    }
  }

  @Override
  public void onStart() {
    started.complete(null);
  }

  @Override
  public void close() throws InterruptedException {
    stop(STOP_TIMEOUT_MS, "server shutting down");
  }

  private static String brief(Exception e) {
    String message = String.valueOf(e.getMessage());
    return message.length() > 200 ? message.substring(0, 200) + "…" : message;
  }
}
