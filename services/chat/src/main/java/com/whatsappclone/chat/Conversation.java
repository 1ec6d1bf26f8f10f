package com.whatsappclone.chat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A conversation and its participants.
 *
 * @param members       admins first among those who joined at the same time, then by user id
 * @param groupName     null for one-to-one conversations
 * @param lastMessageAt created_at of the newest stored message, null when there is none
 * @param lastSeq       seq of the newest stored message, 0 when there is none
 */
record Conversation(UUID id, List<Member> members, Instant createdAt, boolean isGroup,
    String groupName, Instant lastMessageAt, long lastSeq) {

  List<UUID> participantIds() {
    return members.stream().map(Member::userId).toList();
  }

  List<UUID> adminIds() {
    return members.stream().filter(Member::isAdmin).map(Member::userId).toList();
  }
}
