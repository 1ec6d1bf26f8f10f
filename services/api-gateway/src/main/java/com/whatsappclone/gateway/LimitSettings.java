package com.whatsappclone.gateway;

import com.whatsappclone.common.config.ConnectionLimits;
import com.whatsappclone.common.config.Settings;

/**
 * The per-client limits. Defaults are generous enough for a busy human or a well-behaved bot: a
 * user may make 100 calls a second with bursts of 500, an address without a token 50 a second with
 * bursts of 200 (a NAT can hide many people), and a user may hold 5 Connect streams (phone, tablet,
 * desktop, a reconnect overlapping its predecessor...).
 */
public record LimitSettings(
    long userRatePerSecond, long userBurst, long ipRatePerSecond, long ipBurst, int maxStreamsPerUser) {

  public static final int DEFAULT_USER_RATE = 100;
  public static final int DEFAULT_USER_BURST = 500;
  public static final int DEFAULT_IP_RATE = 50;
  public static final int DEFAULT_IP_BURST = 200;
  public static final int DEFAULT_MAX_STREAMS_PER_USER = ConnectionLimits.DEFAULT_MAX_PER_USER;

  public static LimitSettings from(Settings settings) {
    int userRate = settings.integer("GATEWAY_USER_RATE_PER_SECOND", DEFAULT_USER_RATE, 1, 1_000_000);
    int userBurst = settings.integer("GATEWAY_USER_BURST", DEFAULT_USER_BURST, 1, 10_000_000);
    int ipRate = settings.integer("GATEWAY_IP_RATE_PER_SECOND", DEFAULT_IP_RATE, 1, 1_000_000);
    int ipBurst = settings.integer("GATEWAY_IP_BURST", DEFAULT_IP_BURST, 1, 10_000_000);
    // The same per-user cap realtime applies to its doors (one setting for both).
    int streams = ConnectionLimits.from(settings).maxPerUser();
    return new LimitSettings(userRate, userBurst, ipRate, ipBurst, streams);
  }
}
