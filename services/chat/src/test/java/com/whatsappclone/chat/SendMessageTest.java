package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SendMessageTest extends ChatServerTest {

  private static TopicReader submitted;

  @BeforeAll
  static void prepare() throws Exception {
    submitted = kit.reader(kit.topics.submitted());
  }

  @Test
  void sendAssignsATimeOrderedIdAndTheClocksTimeAndAnswersBeforeTheMessageHasASeq() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    Instant now = kit.clock.advance(Duration.ofMillis(1234));

    Message sent = kit.send(alice, conversation.getId(), "hello");

    assertThat(UUID.fromString(sent.getId()).version()).isEqualTo(7);
    assertThat(Instant.parse(sent.getCreatedAt())).isEqualTo(now);
    assertThat(sent.getSeq()).isZero();
    assertThat(sent.getSenderId()).isEqualTo(alice.toString());
    assertThat(sent.getConversationId()).isEqualTo(conversation.getId());
    assertThat(sent.getContent()).isEqualTo("hello");
    assertThat(kit.awaitStored(bob, conversation.getId(), 1))
        .containsExactly(sent.toBuilder().setSeq(1).build());
  }

  @Test
  void aSentMessageIsOnKafkaKeyedByConversationWithItsRecipients() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);

    Message sent = kit.as(bob).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(group.getId()).setContent("see this").setMediaUrl("https://cdn.example/x.pdf")
        .setMediaType("document").setClientMessageId("bob-1").build()).getMessage();

    MessageSubmitted event = submittedEvents(sent.getId(), 1).get(0);
    assertThat(event.getConversationId()).isEqualTo(group.getId());
    assertThat(event.getSenderId()).isEqualTo(bob.toString());
    assertThat(event.getContent()).isEqualTo("see this");
    assertThat(event.getMediaUrl()).isEqualTo("https://cdn.example/x.pdf");
    assertThat(event.getMediaType()).isEqualTo("document");
    assertThat(event.getClientMessageId()).isEqualTo("bob-1");
    assertThat(Instant.EPOCH.plus(event.getCreatedAtMicros(), java.time.temporal.ChronoUnit.MICROS))
        .isEqualTo(Instant.parse(sent.getCreatedAt()));
    assertThat(event.getRecipientIdsList()).containsExactlyInAnyOrder(alice.toString(), carol.toString());
    assertThat(submitted.records()).filteredOn(r -> r.key().equals(group.getId())).isNotEmpty();
  }

  @Test
  void onlyParticipantsSend() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID outsider = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);

    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent("hi"),
        outsider, Status.Code.PERMISSION_DENIED, "not a participant");
    assertStatus(SendMessageRequest.newBuilder().setConversationId(UUID.randomUUID().toString()).setContent("hi"),
        alice, Status.Code.NOT_FOUND, "conversation_id");
    assertStatus(SendMessageRequest.newBuilder().setConversationId("nope").setContent("hi"),
        alice, Status.Code.INVALID_ARGUMENT, "conversation_id");
  }

  @Test
  void contentIsOneTo65536BytesOfUtf8() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    String largest = "\u00e9".repeat(32_768); // 2 bytes each in UTF-8: 65,536 bytes

    Message sent = kit.send(alice, conversation.getId(), largest);

    assertThat(sent.getContent()).isEqualTo(largest);
    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent(largest + "x"),
        alice, Status.Code.INVALID_ARGUMENT, "content");
    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()),
        alice, Status.Code.INVALID_ARGUMENT, "content");
    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent("a\u0000b"),
        alice, Status.Code.INVALID_ARGUMENT, "content");
    assertThat(kit.awaitStored(bob, conversation.getId(), 1).get(0).getContent()).isEqualTo(largest);
  }

  @Test
  void contentMaySpanLinesButCarriesNoOtherControlCharacters() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    String multiLine = "first line\nsecond line\r\n\tindented";

    assertThat(kit.send(alice, conversation.getId(), multiLine).getContent()).isEqualTo(multiLine);
    for (String bad : List.of("red \u001b[31malert", "bell\u0007", "c1 \u009b2J", "del\u007f")) {
      assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent(bad),
          alice, Status.Code.INVALID_ARGUMENT, "content: must not contain control characters");
    }
    SendMessageRequest.Builder media = SendMessageRequest.newBuilder().setConversationId(conversation.getId())
        .setMediaType("image");
    assertStatus(media.clone().setMediaUrl("https://cdn.example/a.jpg\r\nX-Injected: 1"),
        alice, Status.Code.INVALID_ARGUMENT, "media_url: must not contain control characters");
    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent("hi")
            .setClientMessageId("id\n2"),
        alice, Status.Code.INVALID_ARGUMENT, "client_message_id: must not contain control characters");
    assertThat(kit.awaitStored(bob, conversation.getId(), 1)).extracting(Message::getContent)
        .containsExactly(multiLine);
  }

  @Test
  void mediaNeedsNoContentButATypeFromTheFixedList() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    SendMessageRequest.Builder media = SendMessageRequest.newBuilder().setConversationId(conversation.getId())
        .setMediaUrl("https://cdn.example/a.ogg");

    for (String type : List.of("image", "video", "audio", "document")) {
      assertThat(kit.as(alice).sendMessage(media.clone().setMediaType(type).build()).getMessage().getMediaType())
          .isEqualTo(type);
    }
    assertStatus(media.clone().setMediaType("sticker"), alice, Status.Code.INVALID_ARGUMENT, "media_type");
    assertStatus(media.clone(), alice, Status.Code.INVALID_ARGUMENT, "media_type");
    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent("x")
        .setMediaType("image"), alice, Status.Code.INVALID_ARGUMENT, "media_url");
    assertThat(kit.awaitStored(bob, conversation.getId(), 4)).allSatisfy(m -> {
      assertThat(m.getContent()).isEmpty();
      assertThat(m.getMediaUrl()).isEqualTo("https://cdn.example/a.ogg");
    });
  }

  @Test
  void clientMessageIdIsAtMost64Characters() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    SendMessageRequest.Builder request = SendMessageRequest.newBuilder()
        .setConversationId(conversation.getId()).setContent("hi");

    Message sent = kit.as(alice).sendMessage(request.clone().setClientMessageId("c".repeat(64)).build()).getMessage();

    assertThat(sent.getClientMessageId()).hasSize(64);
    assertStatus(request.clone().setClientMessageId("c".repeat(65)), alice, Status.Code.INVALID_ARGUMENT,
        "client_message_id");
  }

  @Test
  void aResendWithTheSameClientMessageIdReturnsTheSameMessageStoredAndDeliveredOnce() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);
    SendMessageRequest request = SendMessageRequest.newBuilder().setConversationId(group.getId())
        .setContent("only once").setClientMessageId("alice-42").build();

    Message first = kit.as(alice).sendMessage(request).getMessage();
    kit.clock.advance(Duration.ofSeconds(5));
    Message resent = kit.as(alice).sendMessage(request.toBuilder().setContent("edited on retry").build()).getMessage();

    assertThat(resent.toBuilder().setSeq(0).build()).isEqualTo(first);
    List<Message> stored = kit.awaitStored(bob, group.getId(), 1);
    Message afterStored = kit.as(alice).sendMessage(request).getMessage();
    assertThat(afterStored).isEqualTo(first.toBuilder().setSeq(1).build());
    assertThat(stored).containsExactly(first.toBuilder().setSeq(1).build());

    kit.send(alice, group.getId(), "next"); // stored after, so the duplicates had their chance
    assertThat(kit.awaitStored(bob, group.getId(), 2)).extracting(Message::getSeq).containsExactly(2L, 1L);
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ?",
        UUID.fromString(first.getId()))).isEqualTo(2);
    assertThat(kit.count("SELECT count(*) FROM pending_messages WHERE conversation_id = ?"
        + " AND stored_seq IS NULL", UUID.fromString(group.getId()))).as("nothing left unstored").isZero();
    assertThat(submittedEvents(first.getId(), 1)).as("the resends published nothing again").hasSize(1);
  }

  @Test
  void concurrentResendsAllGetTheSameMessage() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    SendMessageRequest request = SendMessageRequest.newBuilder().setConversationId(conversation.getId())
        .setContent("racing").setClientMessageId("race-1").build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Message> answers = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Message>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return kit.as(alice).sendMessage(request).getMessage();
        }));
      }
      go.countDown();
      for (Future<Message> future : futures) {
        answers.add(future.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(answers).extracting(Message::getId).containsOnly(answers.get(0).getId());
    kit.send(alice, conversation.getId(), "after the race");
    assertThat(kit.awaitStored(bob, conversation.getId(), 2)).extracting(Message::getContent, Message::getSeq)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("after the race", 2L),
            org.assertj.core.groups.Tuple.tuple("racing", 1L));
  }

  @Test
  void anotherSendersClientMessageIdIsRefused() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    kit.as(alice).sendMessage(SendMessageRequest.newBuilder().setConversationId(conversation.getId())
        .setContent("mine").setClientMessageId("same").build());

    assertStatus(SendMessageRequest.newBuilder().setConversationId(conversation.getId()).setContent("also mine")
        .setClientMessageId("same"), bob, Status.Code.ALREADY_EXISTS, "client_message_id");
  }

  @Test
  void sendingNeedsAnAccessToken() {
    assertThatThrownBy(() -> kit.anonymous().sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(UUID.randomUUID().toString()).setContent("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  /** Every MessageSubmitted for this message id seen so far, after at least {@code atLeast} arrived. */
  private static List<MessageSubmitted> submittedEvents(String messageId, int atLeast) throws Exception {
    submitted.readUntil("the submitted message", records -> parse(records).stream()
        .filter(e -> e.getMessageId().equals(messageId)).count() >= atLeast);
    return parse(submitted.records()).stream().filter(e -> e.getMessageId().equals(messageId)).toList();
  }

  private static List<MessageSubmitted> parse(List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(r -> {
      try {
        return MessageSubmitted.parseFrom(r.value());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  private static void assertStatus(SendMessageRequest.Builder request, UUID caller, Status.Code code,
      String descriptionStart) {
    assertThatThrownBy(() -> kit.as(caller).sendMessage(request.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(descriptionStart);
        });
  }
}
