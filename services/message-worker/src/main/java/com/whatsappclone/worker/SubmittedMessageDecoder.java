package com.whatsappclone.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.proto.events.MessageSubmitted;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a record value into a {@link SubmittedMessage}, or says why it cannot be stored. Only what
 * would break the batch insert is checked here (ids, NUL characters PostgreSQL text refuses, a
 * missing timestamp): chat has already applied the business rules.
 */
final class SubmittedMessageDecoder {

  /** Exactly one of {@code message} and {@code rejection} is set. */
  record Result(SubmittedMessage message, String rejection) {
    static Result rejected(String reason) {
      return new Result(null, reason);
    }
  }

  /** Thrown inside the decoder only, to leave with a reason from deep in a check. */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String reason) {
      super(reason, null, false, false);
    }
  }

  Result decode(byte[] value) {
    if (value == null || value.length == 0) {
      return Result.rejected("empty record value");
    }
    MessageSubmitted event;
    try {
      event = MessageSubmitted.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return Result.rejected("not a MessageSubmitted protobuf: " + e.getMessage());
    }
    try {
      UUID id = uuid("message_id", event.getMessageId());
      UUID conversationId = uuid("conversation_id", event.getConversationId());
      UUID senderId = uuid("sender_id", event.getSenderId());
      if (event.getCreatedAtMicros() <= 0) {
        throw new Invalid("created_at_micros is missing");
      }
      Set<UUID> recipients = new LinkedHashSet<>();
      for (String recipient : event.getRecipientIdsList()) {
        recipients.add(uuid("recipient_ids", recipient));
      }
      recipients.remove(senderId);
      return new Result(new SubmittedMessage(id, conversationId, senderId,
          text("content", event.getContent()),
          optionalText("media_url", event.getMediaUrl()),
          optionalText("media_type", event.getMediaType()),
          optionalText("client_message_id", event.getClientMessageId()),
          event.getCreatedAtMicros(),
          List.copyOf(new ArrayList<>(recipients))), null);
    } catch (Invalid e) {
      return Result.rejected(e.getMessage());
    }
  }

  private static UUID uuid(String field, String value) throws Invalid {
    Optional<UUID> id = Ids.tryParse(value);
    if (id.isEmpty()) {
      throw new Invalid(field + " is not a UUID");
    }
    return id.get();
  }

  private static String text(String field, String value) throws Invalid {
    if (value.indexOf('\0') >= 0) {
      throw new Invalid(field + " contains a NUL character");
    }
    return value;
  }

  private static String optionalText(String field, String value) throws Invalid {
    return value.isEmpty() ? null : text(field, value);
  }
}
