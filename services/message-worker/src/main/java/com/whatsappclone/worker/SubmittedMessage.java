package com.whatsappclone.worker;

import java.util.List;
import java.util.UUID;

/**
 * A message as chat accepted it ({@code MessageSubmitted}), decoded and structurally checked.
 *
 * @param clientMessageId null when the client gave none
 * @param mediaUrl        null when none
 * @param mediaType       null when none
 * @param recipientIds    the participants other than the sender at send time, without duplicates
 */
record SubmittedMessage(UUID id, UUID conversationId, UUID senderId, String content, String mediaUrl,
    String mediaType, String clientMessageId, long createdAtMicros, List<UUID> recipientIds) {}
