package com.whatsappclone.common.policy;

import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import java.util.List;
import java.util.Optional;

/**
 * Every cap on what one user or one address may hold open at once, declared once.
 *
 * <p>Realtime has two doors, its own WebSocket port and {@link #CONNECT_METHOD} (reached through
 * the gateway or directly); {@link #CONNECTIONS_PER_USER} and {@link #CONNECTIONS_PER_ADDRESS}
 * count both kinds of connection together, in one count per realtime instance. The gateway
 * applies {@link #CONNECTIONS_PER_USER} to the Connect streams it forwards as well, so a client
 * looping on Connect is stopped at the edge before it reaches realtime.
 */
public final class Caps {

  /** The realtime stream the connection caps apply to besides the WebSocket door. */
  public static final String CONNECT_METHOD = RealtimeServiceGrpc.getConnectMethod().getFullMethodName();

  /** A phone, a few linked devices and a reconnect overlapping its predecessor. */
  public static final Cap CONNECTIONS_PER_USER = new Cap("realtime connections (WebSocket and Connect)",
      "user", 5, "MAX_CONNECTIONS_PER_USER", Optional.of("GATEWAY_MAX_CONNECT_STREAMS_PER_USER"), 10_000);

  /** Generous: a carrier's NAT puts many phones behind one address. */
  public static final Cap CONNECTIONS_PER_ADDRESS = new Cap("realtime connections (WebSocket and Connect)",
      "client address", 200, "MAX_CONNECTIONS_PER_ADDRESS", Optional.empty(), 1_000_000);

  /** Signed-in devices (auth's sessions); signing in on one more ends the least recently used. */
  public static final Cap SESSIONS_PER_USER = new Cap("signed-in device sessions", "user", 10,
      "AUTH_MAX_SESSIONS_PER_USER", Optional.empty(), 1000);

  public static final List<Cap> ALL = List.of(CONNECTIONS_PER_USER, CONNECTIONS_PER_ADDRESS, SESSIONS_PER_USER);

  private Caps() {
  }
}
