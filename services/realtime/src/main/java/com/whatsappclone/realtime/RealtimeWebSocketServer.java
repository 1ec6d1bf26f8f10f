package com.whatsappclone.realtime;

import com.whatsappclone.common.auth.InvalidTokenException;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.net.TrustedProxies;
import com.whatsappclone.common.ratelimit.KeyedBuckets;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.proto.realtime.ClientEvent;
import io.github.bucket4j.ConsumptionProbe;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
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
final class RealtimeWebSocketServer extends SupervisedWebSocketServer {

  /** Accept backlog: connections waiting for the server to accept them. */
  static final int MAX_PENDING_CONNECTIONS = 4096;
  /** The Retry-After of a handshake refused because the worker pool is backed up. */
  static final long BUSY_RETRY_AFTER_SECONDS = 1;

  private static final Logger log = LoggerFactory.getLogger(RealtimeWebSocketServer.class);

  /** Attached to a connection whose handshake passed, until it opens. */
  private record Authenticated(TokenClaims claims, boolean binary, ConnectionCaps.Lease lease) {}

  private static final Object REFUSED = new Object();

  /** Time a client has from connecting to completing the upgrade request. */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final HandshakeDeadline handshakes = new HandshakeDeadline(HANDSHAKE_TIMEOUT);
  private final TokenManager tokens;
  private final SessionRevocations revocations;
  private final RealtimeService service;
  private final ConnectionCaps caps;
  private final KeyedBuckets handshakeRate;
  private final WorkerBacklog backlog;
  private final RealtimeMetrics metrics;
  private final TrustedProxies proxies;

  RealtimeWebSocketServer(InetSocketAddress address, TokenManager tokens, SessionRevocations revocations,
      RealtimeService service, ConnectionCaps caps, KeyedBuckets handshakeRate, WorkerBacklog backlog,
      RealtimeSettings settings, RealtimeMetrics metrics) {
    super(address, Math.max(2, Runtime.getRuntime().availableProcessors()),
        List.<Draft>of(new HandshakeDraft(RealtimeSettings.MAX_FRAME_BYTES)));
    this.tokens = tokens;
    this.revocations = revocations;
    this.service = service;
    this.caps = caps;
    this.handshakeRate = handshakeRate;
    this.backlog = backlog;
    this.metrics = metrics;
    this.proxies = settings.webSocketProxies();
    setWebSocketFactory(FlushNotifyingSocketFactory.from(settings, handshakes));
    setConnectionLostTimeout((int) Math.max(1, settings.pingInterval().toSeconds()));
    setTcpNoDelay(true);
    setReuseAddr(true);
    // The default accept backlog (50) drops handshakes when many devices reconnect at once,
    // e.g. after a restart; the kernel caps it at net.core.somaxconn anyway.
    setMaxPendingConnections(MAX_PENDING_CONNECTIONS);
    setDaemon(true);
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    if (draft instanceof HandshakeDraft handshakeDraft && handshakeDraft.refusal() != null) {
      conn.setAttachment(REFUSED);
      return handshakeDraft.refusal();
    }
    if (!WebSocketHandshake.hasPath(request)) {
      // Not the library's own 404 (an InvalidDataException): after that one it never closes the
      // socket. A Refusal is answered and closed like the 401.
      conn.setAttachment(REFUSED);
      return new HandshakeDraft.Refusal(404, "Not Found", "no WebSocket endpoint at this path; use "
          + WebSocketHandshake.PATH);
    }
    String address = clientAddress(conn, request);
    if (address != null) {
      // Before the token is checked: refusing a flood must cost less than serving it.
      ConsumptionProbe handshake = handshakeRate.tryConsume(address);
      if (!handshake.isConsumed()) {
        metrics.handshakeRateLimited();
        conn.setAttachment(REFUSED);
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(handshake.getNanosToWaitForRefill() + 999_999_999));
        return new HandshakeDraft.Refusal(429, "Too Many Requests",
            "too many WebSocket handshakes from this network address; retry in " + seconds + " s", seconds);
      }
    }
    if (backlog.refusesNewConnections()) {
      metrics.handshakeRefusedBusy();
      conn.setAttachment(REFUSED);
      return new HandshakeDraft.Refusal(503, "Service Unavailable",
          "server busy; retry in " + BUSY_RETRY_AFTER_SECONDS + " s", BUSY_RETRY_AFTER_SECONDS);
    }
    WebSocketHandshake.Credentials credentials = WebSocketHandshake.credentials(request);
    String problem = credentials.problem();
    if (credentials.token().isPresent()) {
      try {
        TokenClaims claims = tokens.validateAccessToken(credentials.token().get());
        if (Ids.tryParse(claims.userId()).isEmpty()) {
          problem = "token subject is not a user id";
        } else if (revocations.isRevoked(claims)) {
          problem = SessionRevocations.REVOKED_MESSAGE;
        } else {
          ConnectionCaps.Admission admission = caps.admit(claims.userId(), address);
          if (!admission.admitted()) {
            conn.setAttachment(REFUSED);
            return new HandshakeDraft.Refusal(429, "Too Many Requests", admission.refusal());
          }
          conn.setAttachment(new Authenticated(claims, WebSocketHandshake.wantsBinary(request),
              admission.lease()));
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
    if (!(conn.getAttachment() instanceof Authenticated user)) {
      ((WebSocketImpl) conn).flushAndClose(CloseFrame.POLICY_VALIDATION, "unauthenticated", false);
      return false;
    }
    if (!super.addConnection(conn)) {
      user.lease().release(); // the server is stopping; onClose will not come
      return false;
    }
    return true;
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    Authenticated user = conn.getAttachment();
    WebSocketTransport transport = new WebSocketTransport(conn, user.binary(), user.lease());
    Session session = service.open(user.claims(), transport);
    transport.attach(session);
    conn.setAttachment(transport);
    service.connect(session);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    if (code == CloseFrame.TOOBIG && !remote) { // the draft refused a frame over MAX_FRAME_BYTES
      metrics.refused(RealtimeMetrics.Refusal.TOO_LARGE);
    }
    if (conn.getAttachment() instanceof WebSocketTransport transport) {
      transport.lease().release();
      if (transport.session() != null) {
        service.disconnect(transport.session());
      }
    }
  }

  /**
   * The client's address: the TCP peer, or the client a trusted proxy in front of this endpoint
   * names in X-Forwarded-For. Null when unknown (then only the per-user cap applies).
   */
  private String clientAddress(WebSocket conn, ClientHandshake request) {
    InetSocketAddress peer = conn.getRemoteSocketAddress();
    if (peer == null || peer.getAddress() == null) {
      return null;
    }
    String forwarded = request.getFieldValue("X-Forwarded-For");
    if (!forwarded.isBlank() && proxies.trusts(peer.getAddress())) {
      List<String> chain = Arrays.stream(forwarded.split(",")).map(String::strip).toList();
      return proxies.forwardedClient(chain).orElse(peer.getAddress().getHostAddress());
    }
    return peer.getAddress().getHostAddress();
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
    } catch (MalformedFrameException e) {
      service.rejectFrame(transport.session(), e.getMessage());
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
    } catch (MalformedFrameException e) {
      service.rejectFrame(transport.session(), e.getMessage());
      return;
    }
    service.receive(transport.session(), event);
  }

  @Override
  void housekeeping() {
    int closed = handshakes.sweep();
    if (closed > 0) {
      log.debug("closed {} connection(s) that did not complete the handshake within {}", closed, HANDSHAKE_TIMEOUT);
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      // Server-level: binding the port failed, or the selector died (then WebSocketEndpoint
      // replaces the server).
      failStart(ex);
      log.error("WebSocket server error", ex);
    } else {
      log.debug("WebSocket connection error: {}", ex.toString());
    }
  }

}
