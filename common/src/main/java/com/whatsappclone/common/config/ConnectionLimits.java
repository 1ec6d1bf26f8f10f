package com.whatsappclone.common.config;

/**
 * How many long-lived connections (realtime's WebSocket connections and Connect streams) one user
 * and one network address may hold. Declared once here for every door: the gateway caps Connect
 * streams per user with the same number, and realtime caps both of its doors.
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

  public static final int DEFAULT_MAX_PER_USER = 5;
  public static final int DEFAULT_MAX_PER_ADDRESS = 200;
  public static final int DEFAULT_HANDSHAKES_PER_ADDRESS_PER_SECOND = 20;
  public static final int DEFAULT_HANDSHAKE_BURST_PER_ADDRESS = 200;

  public static ConnectionLimits from(Settings settings) {
    int legacy = settings.integer("GATEWAY_MAX_CONNECT_STREAMS_PER_USER", DEFAULT_MAX_PER_USER, 1, 10_000);
    int perUser = settings.integer("MAX_CONNECTIONS_PER_USER", legacy, 1, 10_000);
    int perAddress = settings.integer("MAX_CONNECTIONS_PER_ADDRESS", DEFAULT_MAX_PER_ADDRESS, 1, 1_000_000);
    int rate = settings.integer("HANDSHAKES_PER_ADDRESS_PER_SECOND",
        DEFAULT_HANDSHAKES_PER_ADDRESS_PER_SECOND, 1, 10_000_000);
    int burst = settings.integer("HANDSHAKE_BURST_PER_ADDRESS", DEFAULT_HANDSHAKE_BURST_PER_ADDRESS, 1, 10_000_000);
    return new ConnectionLimits(perUser, perAddress, rate, burst);
  }
}
