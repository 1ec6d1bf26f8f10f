package com.whatsappclone.chat;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.policy.RateLimits;

/**
 * The per-user SendMessage limit in force: {@code ratePerSecond} messages a second, up to
 * {@code burst} at once after a quiet spell ({@link RateLimits#CHAT_SEND_PER_USER} declares the
 * defaults and settings).
 */
record SendLimitSettings(int ratePerSecond, int burst) {

  static SendLimitSettings from(Settings settings) {
    return new SendLimitSettings(RateLimits.CHAT_SEND_PER_USER.refillPerSecond(settings),
        RateLimits.CHAT_SEND_PER_USER.capacity(settings));
  }
}
