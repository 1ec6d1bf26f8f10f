package com.whatsappclone.worker.push;

import java.util.Objects;
import java.util.Optional;

/**
 * What a push says. Providers collapse notifications with the same {@link #collapseKey()}: the
 * conversation id, so a phone shows the latest message of a conversation, not one per message.
 *
 * @param conversationId also the collapse key (FCM {@code collapse_key}, APNs {@code apns-collapse-id})
 * @param messageId the newest message this notification stands for
 * @param senderId who sent it
 * @param unread how many messages of the conversation this one notification stands for (≥ 1)
 * @param body the message text when the deployment shows content ({@code PUSH_SHOW_CONTENT}),
 *     otherwise empty and the notification reads "New message"
 */
public record PushNotification(String conversationId, String messageId, String senderId, int unread,
    Optional<String> body) {

  public static final String GENERIC_TEXT = "New message";

  public PushNotification {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(body, "body");
    if (unread < 1) {
      throw new IllegalArgumentException("unread must be at least 1");
    }
  }

  public String collapseKey() {
    return conversationId;
  }

  /** The text shown: the content when allowed, else {@link #GENERIC_TEXT}. */
  public String text() {
    return body.orElse(GENERIC_TEXT);
  }
}
