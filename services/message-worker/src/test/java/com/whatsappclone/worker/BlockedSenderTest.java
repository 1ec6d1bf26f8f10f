package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.TopicReader;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocks applied when a message is stored (issue 17): in a one-to-one conversation a recipient
 * who blocked the sender gets no status row (so realtime never delivers it) and a
 * withheld_messages row; groups are delivered as usual.
 */
@WithPostgres
@WithKafka
class BlockedSenderTest {

  private static WorkerTestKit kit;
  private static GrpcServer worker;
  private static TopicReader stored;

  @BeforeAll
  static void startWorker() throws Exception {
    kit = new WorkerTestKit();
    worker = kit.startWorker(WorkerHooks.NONE, java.util.Map.of("MESSAGE_WORKER_MAX_POLL_RECORDS", "5"));
    WorkerTestKit.awaitServing(worker);
    stored = kit.reader(kit.topics.stored());
  }

  @AfterAll
  static void stopWorker() throws Exception {
    kit.close();
  }

  @Test
  void aOneToOneMessageFromABlockedSenderIsStoredButWithheldFromTheBlocker() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);
    kit.block(alice, bob);
    MessageSubmitted fromBob = kit.message(direct, bob, "are you there?", alice);

    kit.submit(fromBob);

    List<String> rows = kit.awaitStored(direct, 1);
    assertThat(rows).containsExactly("1:" + fromBob.getMessageId());
    UUID id = UUID.fromString(fromBob.getMessageId());
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ?", id)).isZero();
    assertThat(kit.count("SELECT count(*) FROM withheld_messages WHERE user_id = ? AND conversation_id = ?"
        + " AND seq = 1 AND message_id = ?", alice, direct, id)).isEqualTo(1);
    MessageStored event = storedEvent(fromBob);
    assertThat(event.getSeq()).isEqualTo(1);
    assertThat(event.getRecipientIdsList()).isEmpty();
  }

  @Test
  void theBlockersOwnMessagesStillReachTheUserTheyBlocked() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);
    kit.block(alice, bob);
    MessageSubmitted fromAlice = kit.message(direct, alice, "one last thing", bob);

    kit.submit(fromAlice);

    kit.awaitStored(direct, 1);
    UUID id = UUID.fromString(fromAlice.getMessageId());
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE message_id = ? AND user_id = ?", id, bob))
        .isEqualTo(1);
    assertThat(kit.count("SELECT count(*) FROM withheld_messages WHERE message_id = ?", id)).isZero();
    assertThat(storedEvent(fromAlice).getRecipientIdsList()).containsExactly(bob.toString());
  }

  @Test
  void groupMessagesFromABlockedSenderAreDeliveredAsUsual() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID pairGroup = kit.createGroup(alice, bob);
    UUID group = kit.createGroup(alice, bob, carol);
    kit.block(alice, bob);
    MessageSubmitted toPair = kit.message(pairGroup, bob, "in the two-member group", alice);
    MessageSubmitted toGroup = kit.message(group, bob, "hi all", alice, carol);

    kit.submit(toPair, toGroup);

    kit.awaitStored(pairGroup, 1);
    kit.awaitStored(group, 1);
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE user_id = ? AND message_id IN (?, ?)",
        alice, UUID.fromString(toPair.getMessageId()), UUID.fromString(toGroup.getMessageId()))).isEqualTo(2);
    assertThat(kit.count("SELECT count(*) FROM withheld_messages WHERE user_id = ?", alice)).isZero();
    assertThat(storedEvent(toPair).getRecipientIdsList()).containsExactly(alice.toString());
    assertThat(storedEvent(toGroup).getRecipientIdsList()).containsExactly(alice.toString(), carol.toString());
  }

  @Test
  void onlyWhatIsStoredDuringTheBlockIsWithheldAndAnUnblockDoesNotDeliverIt() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);
    MessageSubmitted before = kit.message(direct, bob, "before", alice);
    kit.submit(before);
    kit.awaitStored(direct, 1);
    kit.block(alice, bob);
    MessageSubmitted during = kit.message(direct, bob, "during", alice);
    kit.submit(during);
    kit.awaitStored(direct, 2);
    kit.unblock(alice, bob);
    MessageSubmitted after = kit.message(direct, bob, "after", alice);

    kit.submit(after);

    kit.awaitStored(direct, 3);
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE user_id = ?", alice)).isEqualTo(2);
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE user_id = ? AND message_id = ?",
        alice, UUID.fromString(during.getMessageId()))).isZero();
    assertThat(kit.count("SELECT count(*) FROM withheld_messages WHERE user_id = ? AND seq = 2 AND message_id = ?",
        alice, UUID.fromString(during.getMessageId()))).isEqualTo(1);
    assertThat(kit.count("SELECT count(*) FROM withheld_messages WHERE user_id = ?", alice)).isEqualTo(1);
    assertThat(storedEvent(before).getRecipientIdsList()).containsExactly(alice.toString());
    assertThat(storedEvent(after).getRecipientIdsList()).containsExactly(alice.toString());
  }

  @Test
  void aRedeliveredWithheldMessageStaysWithheldAfterAnUnblock() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);
    kit.block(alice, bob);
    MessageSubmitted during = kit.message(direct, bob, "during", alice);
    kit.submit(during);
    kit.awaitStored(direct, 1);
    kit.unblock(alice, bob);

    kit.submit(during); // a producer retry or a resend before chat saw it stored

    stored.readUntil("the message published twice", all -> eventsOf(during).size() == 2);
    List<MessageStored> events = eventsOf(during);
    assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.getRecipientIdsList()).isEmpty());
    assertThat(kit.count("SELECT count(*) FROM message_status WHERE user_id = ?", alice)).isZero();
  }

  private static MessageStored storedEvent(MessageSubmitted message) throws Exception {
    stored.readUntil("the stored event of " + message.getMessageId(), all -> !eventsOf(message).isEmpty());
    return eventsOf(message).get(0);
  }

  private static List<MessageStored> eventsOf(MessageSubmitted message) {
    return WorkerTestKit.storedEvents(stored).stream()
        .filter(e -> e.getMessageId().equals(message.getMessageId())).toList();
  }
}
