package com.whatsappclone.common.policy;

import com.whatsappclone.common.config.Settings;
import java.util.Optional;

/**
 * A cap declared as data: at most {@code value} things held at once per key, unless
 * {@code setting} (or, when that is not set, the older {@code olderSetting}) says otherwise.
 *
 * @param name         what is capped, for docs and messages
 * @param countedPer   the key the count is kept by ("user", "client address")
 * @param value        the default
 * @param setting      the setting that overrides it (configs/README.md)
 * @param olderSetting an older name still read when {@code setting} is not set
 * @param max          the largest value a setting may give
 */
public record Cap(String name, String countedPer, int value, String setting, Optional<String> olderSetting,
    int max) {

  /** The value in force: the setting, else the older setting, else the default. */
  public int read(Settings settings) {
    int fallback = olderSetting.map(older -> settings.integer(older, value, 1, max)).orElse(value);
    return settings.integer(setting, fallback, 1, max);
  }
}
