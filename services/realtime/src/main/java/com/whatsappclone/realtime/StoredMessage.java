package com.whatsappclone.realtime;

import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.NewMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Turns stored messages (a Kafka event or a database row) into the NewMessage clients get. */
final class StoredMessage {

  private StoredMessage() {}

  static NewMessage fromEvent(MessageStored event) {
    return NewMessage.newBuilder()
        .setMessageId(event.getMessageId())
        .setConversationId(event.getConversationId())
        .setSenderId(event.getSenderId())
        .setContent(event.getContent())
        .setMediaUrl(event.getMediaUrl())
        .setMediaType(event.getMediaType())
        .setCreatedAt(Timestamps.format(Instant.EPOCH.plus(event.getCreatedAtMicros(), ChronoUnit.MICROS)))
        .setSeq(event.getSeq())
        .build();
  }

}
