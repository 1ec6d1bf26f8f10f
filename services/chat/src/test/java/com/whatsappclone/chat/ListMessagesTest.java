package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ListMessagesTest extends ChatServerTest {

  /** One conversation with 55 stored messages "m1".."m55", shared by the paging tests. */
  private static UUID alice;
  private static UUID bob;
  private static Conversation busy;
  private static List<Message> sentToBusy = new ArrayList<>();

  @BeforeAll
  static void prepare() throws Exception {
    alice = kit.createUser();
    bob = kit.createUser();
    busy = kit.direct(alice, bob);
    for (int i = 1; i <= 55; i++) {
      sentToBusy.add(kit.send(i % 2 == 0 ? alice : bob, busy.getId(), "m" + i));
    }
    kit.awaitStored(alice, busy.getId(), 55);
  }

  @Test
  void returnsNewestFirstWithEveryField() throws Exception {
    UUID carol = kit.createUser();
    UUID dave = kit.createUser();
    Conversation conversation = kit.direct(carol, dave);
    Instant firstAt = kit.clock.advance(Duration.ofSeconds(1));
    kit.send(carol, conversation.getId(), "first");
    Instant secondAt = kit.clock.advance(Duration.ofSeconds(1));
    Message media = kit.as(dave).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(conversation.getId()).setContent("caption").setMediaUrl("https://cdn.example/p.png")
        .setMediaType("image").setClientMessageId("dave-1").build()).getMessage();

    List<Message> listed = kit.awaitStored(carol, conversation.getId(), 2);

    assertThat(listed).extracting(Message::getContent).containsExactly("caption", "first");
    Message newest = listed.get(0);
    assertThat(newest).isEqualTo(Message.newBuilder()
        .setId(media.getId()).setConversationId(conversation.getId()).setSenderId(dave.toString())
        .setContent("caption").setMediaUrl("https://cdn.example/p.png").setMediaType("image")
        .setClientMessageId("dave-1").setCreatedAt(secondAt.toString()).setSeq(2).build());
    assertThat(Instant.parse(listed.get(1).getCreatedAt())).isEqualTo(firstAt);
    assertThat(listed.get(1).getSeq()).isEqualTo(1);
  }

  @Test
  void theLimitDefaultsTo50() {
    List<Message> page = list(ListMessagesRequest.newBuilder().setConversationId(busy.getId()));

    assertThat(page).extracting(Message::getSeq).containsExactlyElementsOf(
        LongStream.iterate(55, s -> s - 1).limit(50).boxed().toList());
  }

  @Test
  void beforeMessageIdPagesBackwards() {
    Message sixth = sentToBusy.get(5);

    List<Message> page = list(ListMessagesRequest.newBuilder().setConversationId(busy.getId())
        .setBeforeMessageId(sixth.getId()).setLimit(3));
    List<Message> last = list(ListMessagesRequest.newBuilder().setConversationId(busy.getId())
        .setBeforeMessageId(sentToBusy.get(1).getId()).setLimit(3));

    assertThat(page).extracting(Message::getContent).containsExactly("m5", "m4", "m3");
    assertThat(page).extracting(Message::getId).containsExactly(
        sentToBusy.get(4).getId(), sentToBusy.get(3).getId(), sentToBusy.get(2).getId());
    assertThat(last).extracting(Message::getContent).containsExactly("m1");
  }

  @Test
  void onlyParticipantsList() throws Exception {
    UUID outsider = kit.createUser();

    assertStatus(ListMessagesRequest.newBuilder().setConversationId(busy.getId()), outsider,
        Status.Code.PERMISSION_DENIED, "not a participant");
    assertStatus(ListMessagesRequest.newBuilder().setConversationId(UUID.randomUUID().toString()), alice,
        Status.Code.NOT_FOUND, "conversation_id");
  }

  @Test
  void badArgumentsNameTheirField() throws Exception {
    UUID carol = kit.createUser();
    Conversation other = kit.direct(alice, carol);
    Message elsewhere = kit.send(carol, other.getId(), "elsewhere");
    kit.awaitStored(carol, other.getId(), 1);

    assertStatus(ListMessagesRequest.newBuilder().setConversationId("x"), alice,
        Status.Code.INVALID_ARGUMENT, "conversation_id");
    assertStatus(ListMessagesRequest.newBuilder().setConversationId(busy.getId()).setBeforeMessageId("y"), alice,
        Status.Code.INVALID_ARGUMENT, "before_message_id");
    assertStatus(ListMessagesRequest.newBuilder().setConversationId(busy.getId()).setLimit(-1), alice,
        Status.Code.INVALID_ARGUMENT, "limit");
    assertStatus(ListMessagesRequest.newBuilder().setConversationId(busy.getId())
        .setBeforeMessageId(elsewhere.getId()), alice, Status.Code.NOT_FOUND, "before_message_id");
  }

  private static List<Message> list(ListMessagesRequest.Builder request) {
    return kit.as(alice).listMessages(request.build()).getMessagesList();
  }

  private static void assertStatus(ListMessagesRequest.Builder request, UUID caller, Status.Code code,
      String descriptionPart) {
    assertThatThrownBy(() -> kit.as(caller).listMessages(request.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(descriptionPart);
        });
  }
}
