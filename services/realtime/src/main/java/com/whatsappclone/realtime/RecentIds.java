package com.whatsappclone.realtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} message ids sent on one connection, to drop the duplicates that
 * at-least-once delivery produces (a worker redelivery, or a message that was both read by the
 * catch-up and received live at the seam). Not thread-safe: the session's lock guards it.
 */
final class RecentIds {

  private final LinkedHashMap<String, Boolean> ids;

  RecentIds(int capacity) {
    this.ids = new LinkedHashMap<>(Math.min(capacity, 256), 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Remembers the id; {@code false} when it was already there (a duplicate). */
  boolean add(String id) {
    return ids.put(id, Boolean.TRUE) == null;
  }
}
