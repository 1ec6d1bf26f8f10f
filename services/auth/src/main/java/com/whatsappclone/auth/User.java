package com.whatsappclone.auth;

import java.time.Instant;
import java.util.UUID;

/** A users row. Text fields and lastSeenAt are null when never set. */
record User(
    UUID id,
    String phoneNumber,
    String displayName,
    String profilePictureUrl,
    String aboutText,
    Instant lastSeenAt,
    Instant createdAt,
    Instant updatedAt) {}
