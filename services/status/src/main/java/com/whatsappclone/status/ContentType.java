package com.whatsappclone.status;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.util.Locale;

/** What a status shows; the values of status_updates.content_type. */
public enum ContentType {
  TEXT("text"),
  IMAGE("image"),
  VIDEO("video");

  private final String wireName;

  ContentType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the wire and in the database. */
  public String wireName() {
    return wireName;
  }

  public boolean isMedia() {
    return this != TEXT;
  }

  /** Empty means text (the original only had text statuses); case is ignored. */
  public static ContentType parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return TEXT;
    }
    String name = raw.strip().toLowerCase(Locale.ROOT);
    for (ContentType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new InvalidArgumentException("INVALID_CONTENT_TYPE", "content_type", "must be one of text, image, video");
  }

  /** Reads a stored value; the table's CHECK constraint allows only these three. */
  static ContentType fromDatabase(String stored) {
    for (ContentType type : values()) {
      if (type.wireName.equals(stored)) {
        return type;
      }
    }
    throw new IllegalStateException("unknown content_type in status_updates: " + stored);
  }
}
