package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.TopicReader;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithPostgres
@WithKafka
class MessageWorkerTest {

  private static WorkerTestKit kit;
  private static GrpcServer worker;
  private static TopicReader stored;
  private static TopicReader deadLetters;

  @BeforeAll
  static void startWorker() throws Exception {
    kit = new WorkerTestKit();
    // Small polls, so that the tests also cover messages of one conversation spread over batches.
    worker = kit.startWorker(WorkerHooks.NONE, java.util.Map.of("MESSAGE_WORKER_MAX_POLL_RECORDS", "7"));
    WorkerTestKit.awaitServing(worker);
    stored = kit.reader(kit.topics.stored());
    deadLetters = kit.reader(kit.topics.deadLetter());
  }

  @AfterAll
  static void stopWorker() throws Exception {
    kit.close();
  }

  @Test
  void storesMessagesWithConsecutiveSeqPerConversationInSendOrder() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID first = kit.createConversation(alice, bob);
    UUID second = kit.createConversation(alice, bob);
    List<MessageSubmitted> toFirst = new ArrayList<>();
    List<MessageSubmitted> toSecond = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      MessageSubmitted a = kit.message(first, alice, "first " + i, bob);
      MessageSubmitted b = kit.message(second, bob, "second " + i, alice);
      toFirst.add(a);
      toSecond.add(b);
      kit.submit(a, b);
    }

    List<String> firstRows = kit.awaitStored(first, 12);
    List<String> secondRows = kit.awaitStored(second, 12);

    assertThat(firstRows).containsExactlyElementsOf(IntStream.range(0, 12)
        .mapToObj(i -> (i + 1) + ":" + toFirst.get(i).getMessageId()).toList());
    assertThat(secondRows).containsExactlyElementsOf(IntStream.range(0, 12)
        .mapToObj(i -> (i + 1) + ":" + toSecond.get(i).getMessageId()).toList());
    assertThat(kit.count("SELECT last_seq FROM conversations WHERE id = ?", first)).isEqualTo(12);
  }

  @Test
  void storesEveryFieldAndAdvancesTheConversationsLastActivity() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    long createdAtMicros = Instant.parse("2026-03-01T10:15:30.123456Z").toEpochMilli() * 1000 + 456;
    MessageSubmitted message = kit.message(conversation, alice, "look", bob).toBuilder()
        .setMediaUrl("https://cdn.example.com/a.jpg")
        .setMediaType("image")
        .setClientMessageId("client-1")
        .setCreatedAtMicros(createdAtMicros)
        .build();

    kit.submit(message);

    kit.awaitStored(conversation, 1);
    try (Connection c = kit.database.connect();
        PreparedStatement ps = c.prepareStatement("SELECT m.sender_id, m.content, m.media_url,"
            + " m.media_type, m.client_message_id, m.created_at, m.seq, c.last_message_at"
            + " FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?")) {
      ps.setObject(1, UUID.fromString(message.getMessageId()));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getObject("sender_id")).isEqualTo(alice);
        assertThat(rs.getString("content")).isEqualTo("look");
        assertThat(rs.getString("media_url")).isEqualTo("https://cdn.example.com/a.jpg");
        assertThat(rs.getString("media_type")).isEqualTo("image");
        assertThat(rs.getString("client_message_id")).isEqualTo("client-1");
        Instant createdAt = rs.getObject("created_at", OffsetDateTime.class).toInstant();
        assertThat(ChronoUnit.MICROS.between(Instant.EPOCH, createdAt)).isEqualTo(createdAtMicros);
        assertThat(rs.getLong("seq")).isEqualTo(1);
        assertThat(rs.getObject("last_message_at", OffsetDateTime.class).toInstant()).isEqualTo(createdAt);
      }
    }
  }

  @Test
  void createsOneStatusRowPerRecipientAndNoneForTheSender() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID group = kit.createConversation(alice, bob, carol);
    // chat never lists the sender, but a record that does must not give her a status row
    MessageSubmitted message = kit.message(group, alice, "hi all", bob, carol, alice);

    kit.submit(message);

    kit.awaitStored(group, 1);
    UUID id = UUID.fromString(message.getMessageId());
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ?", id)).isEqualTo(2);
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ? AND user_id = ?",
        id, alice)).isZero();
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ?"
        + " AND delivered_at IS NULL AND read_at IS NULL", id)).isEqualTo(2);
  }

  @Test
  void publishesAStoredEventWithSeqAndRecipientsKeyedByConversation() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID group = kit.createConversation(alice, bob, carol);
    MessageSubmitted one = kit.message(group, alice, "one", bob, carol);
    MessageSubmitted two = kit.message(group, bob, "two", alice, carol).toBuilder()
        .setMediaUrl("https://cdn.example.com/v.mp4").setMediaType("video").setClientMessageId("c-2").build();

    kit.submit(one, two);

    List<ConsumerRecord<String, byte[]>> records = stored.readUntil("two stored events",
        all -> all.stream().filter(r -> r.key().equals(group.toString())).count() == 2);
    List<MessageStored> events = WorkerTestKit.storedEvents(stored).stream()
        .filter(e -> e.getConversationId().equals(group.toString())).toList();
    assertThat(records).filteredOn(r -> r.key().equals(group.toString())).hasSize(2);
    assertThat(events.get(0)).isEqualTo(MessageStored.newBuilder()
        .setMessageId(one.getMessageId()).setConversationId(group.toString())
        .setSenderId(alice.toString()).setContent("one").setCreatedAtMicros(one.getCreatedAtMicros())
        .setSeq(1).addRecipientIds(bob.toString()).addRecipientIds(carol.toString()).build());
    assertThat(events.get(1)).isEqualTo(MessageStored.newBuilder()
        .setMessageId(two.getMessageId()).setConversationId(group.toString())
        .setSenderId(bob.toString()).setContent("two").setMediaUrl("https://cdn.example.com/v.mp4")
        .setMediaType("video").setClientMessageId("c-2").setCreatedAtMicros(two.getCreatedAtMicros())
        .setSeq(2).addRecipientIds(alice.toString()).addRecipientIds(carol.toString()).build());
  }

  @Test
  void redeliveredMessageIsStoredOnceKeepsItsSeqAndIsPublishedAgain() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted first = kit.message(conversation, alice, "first", bob);
    kit.submit(first);
    kit.awaitStored(conversation, 1);

    MessageSubmitted second = kit.message(conversation, alice, "second", bob);
    kit.submit(first, second);

    List<String> rows = kit.awaitStored(conversation, 2);
    assertThat(rows).containsExactly("1:" + first.getMessageId(), "2:" + second.getMessageId());
    List<MessageStored> events = storedEventsOf(conversation, 3);
    assertThat(events).extracting(MessageStored::getMessageId, MessageStored::getSeq)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(first.getMessageId(), 1L),
            org.assertj.core.groups.Tuple.tuple(first.getMessageId(), 1L),
            org.assertj.core.groups.Tuple.tuple(second.getMessageId(), 2L));
    assertThat(events.get(1).getRecipientIdsList()).containsExactly(bob.toString());
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ?",
        UUID.fromString(first.getMessageId()))).isEqualTo(1);
  }

  @Test
  void sameClientMessageIdUnderANewIdIsANoOpAndConsumesNoSeq() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted original = kit.messageWithClientId("retry-me", conversation, alice, "hello", bob);
    MessageSubmitted resentUnderNewId = kit.messageWithClientId("retry-me", conversation, alice, "hello", bob);
    MessageSubmitted next = kit.message(conversation, alice, "next", bob);

    kit.submit(original, resentUnderNewId, next);

    List<String> rows = kit.awaitStored(conversation, 2);
    assertThat(rows).containsExactly("1:" + original.getMessageId(), "2:" + next.getMessageId());
    assertThat(kit.count("SELECT last_seq FROM conversations WHERE id = ?", conversation)).isEqualTo(2);
  }

  @Test
  void clientMessageIdOfAnotherSenderGoesToTheDeadLetterTopic() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted alices = kit.messageWithClientId("shared", conversation, alice, "mine", bob);
    MessageSubmitted bobs = kit.messageWithClientId("shared", conversation, bob, "also mine", alice);

    kit.submit(alices, bobs);

    ConsumerRecord<String, byte[]> letter = deadLetterOf(bobs.toByteArray());
    assertThat(header(letter, WorkerEventPublisher.REASON_HEADER))
        .isEqualTo("client_message_id already used by another sender in this conversation");
    assertThat(kit.seqAndIds(conversation)).containsExactly("1:" + alices.getMessageId());
  }

  @Test
  void undecodableRecordGoesToTheDeadLetterTopicWithItsReasonAndTheWorkerMovesOn() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    byte[] garbage = "definitely not protobuf \u00ff".getBytes(StandardCharsets.UTF_8);
    MessageSubmitted after = kit.message(conversation, alice, "after the garbage", bob);

    kit.submitRaw(conversation.toString(), garbage);
    kit.submit(after);

    ConsumerRecord<String, byte[]> letter = deadLetterOf(garbage);
    assertThat(letter.key()).isEqualTo(conversation.toString());
    assertThat(header(letter, WorkerEventPublisher.REASON_HEADER)).startsWith("not a MessageSubmitted protobuf");
    assertThat(header(letter, WorkerEventPublisher.SOURCE_HEADER)).startsWith(kit.topics.submitted() + "/");
    assertThat(kit.awaitStored(conversation, 1))
        .containsExactly("1:" + after.getMessageId());
  }

  @Test
  void recordsThatCannotBeStoredGoToTheDeadLetterTopicWithTheirReason() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted badId = kit.message(conversation, alice, "x", bob).toBuilder().setMessageId("42").build();
    MessageSubmitted nul = kit.message(conversation, alice, "nul \u0000 inside", bob);
    MessageSubmitted unknownConversation = kit.message(UUID.randomUUID(), alice, "where?", bob);
    MessageSubmitted unknownSender = kit.message(conversation, UUID.randomUUID(), "who?", bob);

    kit.submit(badId, nul, unknownConversation, unknownSender);

    assertThat(header(deadLetterOf(badId.toByteArray()), WorkerEventPublisher.REASON_HEADER))
        .isEqualTo("message_id is not a UUID");
    assertThat(header(deadLetterOf(nul.toByteArray()), WorkerEventPublisher.REASON_HEADER))
        .isEqualTo("content contains a NUL character");
    assertThat(header(deadLetterOf(unknownConversation.toByteArray()), WorkerEventPublisher.REASON_HEADER))
        .isEqualTo("unknown conversation " + unknownConversation.getConversationId());
    assertThat(header(deadLetterOf(unknownSender.toByteArray()), WorkerEventPublisher.REASON_HEADER))
        .isEqualTo("unknown sender " + unknownSender.getSenderId());
    assertThat(kit.seqAndIds(conversation)).isEmpty();
  }

  @Test
  void recordTheDatabaseRefusesGoesToTheDeadLetterTopicAndTheRestOfItsBatchIsStored() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted before = kit.message(conversation, alice, "before", bob);
    // decodes fine, but lies beyond PostgreSQL's timestamp range
    MessageSubmitted outOfRange = kit.message(conversation, alice, "far future", bob).toBuilder()
        .setCreatedAtMicros(Long.MAX_VALUE).build();
    MessageSubmitted after = kit.message(conversation, alice, "after", bob);

    kit.submit(before, outOfRange, after);

    assertThat(header(deadLetterOf(outOfRange.toByteArray()), WorkerEventPublisher.REASON_HEADER))
        .startsWith("refused by the database (SQLSTATE 22");
    assertThat(kit.awaitStored(conversation, 2))
        .containsExactly("1:" + before.getMessageId(), "2:" + after.getMessageId());
  }

  @Test
  void storingAMessageMarksChatsReservationStoredWithItsSeq() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted message = kit.messageWithClientId("pending-1", conversation, alice, "reserved", bob);
    try (Connection c = kit.database.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO pending_messages (conversation_id,"
            + " client_message_id, message_id, sender_id, content, created_at) VALUES (?, ?, ?, ?, ?, now())")) {
      ps.setObject(1, conversation);
      ps.setString(2, "pending-1");
      ps.setObject(3, UUID.fromString(message.getMessageId()));
      ps.setObject(4, alice);
      ps.setString(5, "reserved");
      ps.executeUpdate();
    }

    kit.submit(message);

    kit.awaitStored(conversation, 1);
    assertThat(kit.count("SELECT count(*) FROM pending_messages WHERE conversation_id = ?"
        + " AND stored_seq IS NULL", conversation)).isZero();
    assertThat(kit.count("SELECT stored_seq FROM pending_messages WHERE conversation_id = ?"
        + " AND client_message_id = 'pending-1'", conversation)).isEqualTo(1);
  }

  @Test
  void aStoredMessageWithAClientMessageIdButNoReservationGetsOneMarkedStored() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    MessageSubmitted first = kit.message(conversation, alice, "before", bob);
    MessageSubmitted message = kit.messageWithClientId("unreserved-1", conversation, alice, "no row yet", bob);

    kit.submit(first, message, message);

    kit.awaitStored(conversation, 2);
    assertThat(kit.count("SELECT stored_seq FROM pending_messages WHERE conversation_id = ?"
        + " AND client_message_id = 'unreserved-1' AND message_id = ?", conversation,
        UUID.fromString(message.getMessageId()))).isEqualTo(2);
  }

  @Test
  void reportsServingWhileItsConsumerLoopRuns() {
    assertThat(WorkerTestKit.health(worker)).isEqualTo(ServingStatus.SERVING);
  }

  private static List<MessageStored> storedEventsOf(UUID conversation, int expected) throws Exception {
    stored.readUntil(expected + " stored events", all -> all.stream()
        .filter(r -> r.key().equals(conversation.toString())).count() >= expected);
    return WorkerTestKit.storedEvents(stored).stream()
        .filter(e -> e.getConversationId().equals(conversation.toString())).toList();
  }

  private static ConsumerRecord<String, byte[]> deadLetterOf(byte[] value) throws Exception {
    return deadLetters.readUntil("a dead letter", all -> all.stream()
            .anyMatch(r -> java.util.Arrays.equals(r.value(), value)))
        .stream().filter(r -> java.util.Arrays.equals(r.value(), value)).findFirst().orElseThrow();
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
