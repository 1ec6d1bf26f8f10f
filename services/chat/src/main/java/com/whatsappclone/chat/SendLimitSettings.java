package com.whatsappclone.chat;

import com.whatsappclone.common.config.Settings;

/**
 * The per-user SendMessage limit: {@code ratePerSecond} messages a second, up to {@code burst} at
 * once after a quiet spell. The defaults (20 a second, bursts of 60) are far above what a person
 * types or a client replaying its outbox sends, and stop a script flooding a conversation.
 */
record SendLimitSettings(int ratePerSecond, int burst) {

  static final String RATE = "CHAT_SEND_RATE_PER_SECOND";
  static final String BURST = "CHAT_SEND_BURST";
  static final int DEFAULT_RATE = 20;
  static final int DEFAULT_BURST = 60;

  static SendLimitSettings from(Settings settings) {
    int rate = settings.integer(RATE, DEFAULT_RATE, 1, 1_000_000);
    int burst = settings.integer(BURST, DEFAULT_BURST, 1, 10_000_000);
    return new SendLimitSettings(rate, burst);
  }
}
