package com.whatsappclone.common.config;

import com.whatsappclone.common.policy.Caps;
import com.whatsappclone.common.policy.RateLimitRule;
import com.whatsappclone.common.policy.RateLimits;

/**
 * How many long-lived connections (realtime's WebSocket connections and Connect streams) one user
 * and one network address may hold, as in force: the values and their settings are declared in
 * {@link Caps} and {@link RateLimits}. The gateway caps Connect streams per user with the same
 * number, and realtime caps both of its doors together.
 *
 * @param maxPerUser    MAX_CONNECTIONS_PER_USER (falling back to the older
 *                      GATEWAY_MAX_CONNECT_STREAMS_PER_USER): a phone, a few linked devices and a
 *                      reconnect overlapping its predecessor
 * @param maxPerAddress MAX_CONNECTIONS_PER_ADDRESS: connections from one client address (both doors);
 *                      generous, since a carrier's NAT puts many phones behind one address
 * @param handshakesPerAddressPerSecond HANDSHAKES_PER_ADDRESS_PER_SECOND: WebSocket handshakes one
 *                      client address may start per second, so that opening and closing in a loop
 *                      cannot keep the server busy checking tokens
 * @param handshakeBurstPerAddress HANDSHAKE_BURST_PER_ADDRESS: handshakes an address may start at
 *                      once after a quiet spell (the phones behind one NAT reconnecting after a
 *                      restart)
 */
public record ConnectionLimits(int maxPerUser, int maxPerAddress, int handshakesPerAddressPerSecond,
    int handshakeBurstPerAddress) {

  /** The caps and the handshake limit in force (the policy's defaults, or their settings). */
  public static ConnectionLimits from(Settings settings) {
    RateLimitRule handshakes = RateLimits.WEBSOCKET_HANDSHAKES_PER_ADDRESS;
    return new ConnectionLimits(Caps.CONNECTIONS_PER_USER.read(settings),
        Caps.CONNECTIONS_PER_ADDRESS.read(settings), handshakes.refillPerSecond(settings),
        handshakes.capacity(settings));
  }
}
