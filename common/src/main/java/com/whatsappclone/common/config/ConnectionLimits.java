package com.whatsappclone.common.config;

/**
 * How many long-lived connections (realtime's WebSocket connections and Connect streams) one user
 * and one network address may hold. Declared once here for every door: the gateway caps Connect
 * streams per user with the same number, and realtime caps both of its doors.
 *
 * @param maxPerUser    MAX_CONNECTIONS_PER_USER (falling back to the older
 *                      GATEWAY_MAX_CONNECT_STREAMS_PER_USER): a phone, a few linked devices and a
 *                      reconnect overlapping its predecessor
 * @param maxPerAddress MAX_CONNECTIONS_PER_ADDRESS: WebSocket connections from one client address;
 *                      generous, since a carrier's NAT puts many phones behind one address
 */
public record ConnectionLimits(int maxPerUser, int maxPerAddress) {

  public static final int DEFAULT_MAX_PER_USER = 5;
  public static final int DEFAULT_MAX_PER_ADDRESS = 200;

  public static ConnectionLimits from(Settings settings) {
    int legacy = settings.integer("GATEWAY_MAX_CONNECT_STREAMS_PER_USER", DEFAULT_MAX_PER_USER, 1, 10_000);
    int perUser = settings.integer("MAX_CONNECTIONS_PER_USER", legacy, 1, 10_000);
    int perAddress = settings.integer("MAX_CONNECTIONS_PER_ADDRESS", DEFAULT_MAX_PER_ADDRESS, 1, 1_000_000);
    return new ConnectionLimits(perUser, perAddress);
  }
}
