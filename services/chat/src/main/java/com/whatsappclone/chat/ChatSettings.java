package com.whatsappclone.chat;

import com.whatsappclone.common.config.Settings;
import java.time.Duration;

/**
 * The chat settings besides ports, database, Kafka, JWT and the send limit ({@link SendLimitSettings}).
 *
 * @param maxGroupMembers          MAX_GROUP_MEMBERS: the most members a group may have, its
 *                                 creator included ({@link #MAX_GROUP_MEMBERS_LIMIT} at most: each
 *                                 message costs one status row and one recipient id per member)
 * @param conversationCacheSize    CHAT_CONVERSATION_CACHE_SIZE: conversations whose members a chat
 *                                 instance keeps in memory for SendMessage
 * @param conversationCacheTtl     CHAT_CONVERSATION_CACHE_TTL: how long such an entry is trusted
 *                                 at most, should a membership announcement be lost
 * @param clientMessageIdRetention CLIENT_MESSAGE_ID_RETENTION: how long a client_message_id is
 *                                 remembered after its first send (the idempotency window)
 */
record ChatSettings(int maxGroupMembers, int conversationCacheSize, Duration conversationCacheTtl,
    Duration clientMessageIdRetention) {

  static final int DEFAULT_MAX_GROUP_MEMBERS = 1024;
  static final int MAX_GROUP_MEMBERS_LIMIT = 10_000;

  static ChatSettings from(Settings settings) {
    return new ChatSettings(
        settings.integer("MAX_GROUP_MEMBERS", DEFAULT_MAX_GROUP_MEMBERS,
            ConversationService.MIN_GROUP_MEMBERS, MAX_GROUP_MEMBERS_LIMIT),
        settings.integer("CHAT_CONVERSATION_CACHE_SIZE", 10_000, 1, 10_000_000),
        settings.positive("CHAT_CONVERSATION_CACHE_TTL", Duration.ofSeconds(60)),
        settings.positive("CLIENT_MESSAGE_ID_RETENTION", Duration.ofDays(7)));
  }
}
