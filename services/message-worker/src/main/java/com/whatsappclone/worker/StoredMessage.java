package com.whatsappclone.worker;

import com.whatsappclone.proto.events.MessageStored;
import java.util.List;
import java.util.UUID;

/** A message as it is in the database, with its seq and the users who got a status row. */
record StoredMessage(UUID id, UUID conversationId, UUID senderId, String content, String mediaUrl,
    String mediaType, String clientMessageId, long createdAtMicros, long seq, List<UUID> recipientIds) {

  StoredMessage withRecipients(List<UUID> recipients) {
    return new StoredMessage(id, conversationId, senderId, content, mediaUrl, mediaType,
        clientMessageId, createdAtMicros, seq, List.copyOf(recipients));
  }

  MessageStored toEvent() {
    MessageStored.Builder event = MessageStored.newBuilder()
        .setMessageId(id.toString())
        .setConversationId(conversationId.toString())
        .setSenderId(senderId.toString())
        .setContent(content)
        .setCreatedAtMicros(createdAtMicros)
        .setSeq(seq);
    if (mediaUrl != null) {
      event.setMediaUrl(mediaUrl);
    }
    if (mediaType != null) {
      event.setMediaType(mediaType);
    }
    if (clientMessageId != null) {
      event.setClientMessageId(clientMessageId);
    }
    recipientIds.forEach(r -> event.addRecipientIds(r.toString()));
    return event.build();
  }
}
