package com.whatsappclone.chat;

import java.time.Instant;
import java.util.UUID;

/**
 * A message, stored or accepted for storing.
 *
 * @param mediaUrl        null when none
 * @param mediaType       null when none
 * @param clientMessageId null when the client gave none
 * @param seq             position in the conversation; 0 while not stored yet
 */
record Message(UUID id, UUID conversationId, UUID senderId, String content, String mediaUrl,
    String mediaType, String clientMessageId, Instant createdAt, long seq) {}
