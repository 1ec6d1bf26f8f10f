package com.whatsappclone.chat;

import java.util.UUID;

/** One participant of a conversation. */
record Member(UUID userId, Role role) {

  boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
