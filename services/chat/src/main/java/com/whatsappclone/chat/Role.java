package com.whatsappclone.chat;

/** A participant's role; stored lower-case in {@code conversation_participants.role}. */
enum Role {
  /** May add and remove participants of a group. */
  ADMIN,
  MEMBER;

  String dbValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  static Role fromDb(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
