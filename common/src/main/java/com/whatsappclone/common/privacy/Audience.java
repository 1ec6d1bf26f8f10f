package com.whatsappclone.common.privacy;

import java.util.Locale;

/** Who a user shows one kind of information to: one of the three choices WhatsApp offers. */
public enum Audience {
  EVERYONE, CONTACTS, NOBODY;

  /** The value stored in {@code user_privacy_settings} and sent on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stored or wire value ("everyone", "contacts", "nobody"), case-insensitively. */
  public static Audience fromWireName(String value) {
    return Audience.valueOf(value.trim().toUpperCase(Locale.ROOT));
  }

  /** Whether a viewer who is (or is not) in the owner's address book sees the information. */
  boolean admits(boolean viewerIsContact) {
    return this == EVERYONE || (this == CONTACTS && viewerIsContact);
  }
}
