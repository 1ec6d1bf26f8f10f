package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.testing.Eventually;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The whole send path under a burst: chat, Kafka, the worker's batches, ListMessages. */
class ThousandMessagesTest extends ChatServerTest {

  private static final int COUNT = 1_000;

  @Test
  void aThousandMessagesInOneConversationAreStoredCompleteInSendOrderWithSeqOneToAThousand()
      throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    List<Message> sent = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      sent.add(kit.send(i % 3 == 0 ? bob : alice, conversation.getId(), "message " + i));
    }

    Eventually.await("all messages stored", () -> kit.count(
        "SELECT last_seq FROM conversations WHERE id = ?", UUID.fromString(conversation.getId())),
        lastSeq -> lastSeq >= COUNT);

    // Page through it all, newest first, as a client would; a limit above 200 gets 200.
    List<Message> listed = new ArrayList<>();
    ListMessagesRequest.Builder page = ListMessagesRequest.newBuilder()
        .setConversationId(conversation.getId()).setLimit(500);
    while (true) {
      List<Message> messages = kit.as(bob).listMessages(page.build()).getMessagesList();
      assertThat(messages.size()).isLessThanOrEqualTo(200);
      if (messages.isEmpty()) {
        break;
      }
      listed.addAll(messages);
      page.setBeforeMessageId(messages.get(messages.size() - 1).getId());
    }
    Collections.reverse(listed);

    assertThat(listed).hasSize(COUNT);
    assertThat(listed).extracting(Message::getSeq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, COUNT).boxed().toList());
    assertThat(listed).extracting(Message::getId)
        .containsExactlyElementsOf(sent.stream().map(Message::getId).toList());
    assertThat(listed).extracting(Message::getContent)
        .containsExactlyElementsOf(IntStream.range(0, COUNT).mapToObj(i -> "message " + i).toList());
    assertThat(kit.count("SELECT count(*) FROM message_status s JOIN messages m ON m.id = s.message_id"
        + " WHERE m.conversation_id = ?", UUID.fromString(conversation.getId()))).isEqualTo(COUNT);
  }
}
