package com.whatsappclone.gateway;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.policy.Caps;
import com.whatsappclone.common.policy.RateLimits;

/**
 * The per-client limits in force at the gateway: the per-user and per-address call limits
 * ({@link RateLimits#GATEWAY_PER_USER}, {@link RateLimits#GATEWAY_PER_ADDRESS}) and the Connect
 * streams a user may hold ({@link Caps#CONNECTIONS_PER_USER}, the same cap realtime applies to
 * both of its doors). Defaults and setting names are the policy's.
 */
public record LimitSettings(
    long userRatePerSecond, long userBurst, long ipRatePerSecond, long ipBurst, int maxStreamsPerUser) {

  public static LimitSettings from(Settings settings) {
    return new LimitSettings(
        RateLimits.GATEWAY_PER_USER.refillPerSecond(settings), RateLimits.GATEWAY_PER_USER.capacity(settings),
        RateLimits.GATEWAY_PER_ADDRESS.refillPerSecond(settings), RateLimits.GATEWAY_PER_ADDRESS.capacity(settings),
        Caps.CONNECTIONS_PER_USER.read(settings));
  }
}
