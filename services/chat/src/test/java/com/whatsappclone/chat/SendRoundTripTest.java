package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.RemoveParticipantRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Eventually;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What one SendMessage costs chat in PostgreSQL (counted by {@link StatementLog}), and that the
 * conversation cache behind that never lets a removed participant send.
 */
class SendRoundTripTest extends ChatServerTest {

  @Test
  void aSendWhoseConversationIsCachedRunsNoStatement() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    awaitCached(alice, conversation.getId());
    StatementLog.Mark mark = kit.statements.mark();

    kit.send(alice, conversation.getId(), "from the cache");

    assertThat(kit.statements.since(mark)).isEmpty();
  }

  @Test
  void aFirstSendWithAClientMessageIdIsOneInsertInOneCommitAndReadsNoMessages() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    awaitCached(alice, conversation.getId());
    StatementLog.Mark mark = kit.statements.mark();

    Message sent = kit.as(alice).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(conversation.getId()).setContent("once").setClientMessageId("first-1").build())
        .getMessage();

    assertThat(kit.statements.since(mark)).extracting(StatementLog.Execution::sql)
        .singleElement().asString().startsWith("INSERT INTO pending_messages");
    assertThat(kit.statements.commitsSince(mark)).isEqualTo(1);
    assertThat(Eventually.await("the message stored", () -> kit.count(
        "SELECT count(*) FROM messages WHERE id = ? AND client_message_id = 'first-1'",
        UUID.fromString(sent.getId())), n -> n > 0)).isEqualTo(1);
  }

  @Test
  void aResendAfterTheMessageWasStoredReturnsItWithItsSeqWithoutReadingMessages() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    SendMessageRequest request = SendMessageRequest.newBuilder().setConversationId(conversation.getId())
        .setContent("stored first").setClientMessageId("resend-1").build();
    Message first = kit.as(alice).sendMessage(request).getMessage();
    kit.awaitStored(bob, conversation.getId(), 1);
    awaitCached(alice, conversation.getId());
    StatementLog.Mark mark = kit.statements.mark();

    Message resent = kit.as(alice).sendMessage(request).getMessage();

    assertThat(resent).isEqualTo(first.toBuilder().setSeq(1).build());
    assertThat(kit.statements.since(mark)).extracting(StatementLog.Execution::sql)
        .allSatisfy(sql -> assertThat(sql).contains("pending_messages").doesNotContain(" messages"));
  }

  @Test
  void aParticipantRemovedThroughThisInstanceCannotSendOnceTheRemovalAnswered() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);
    awaitCached(bob, group.getId());

    kit.as(alice).removeParticipant(RemoveParticipantRequest.newBuilder()
        .setConversationId(group.getId()).setUserId(bob.toString()).build());

    assertThatThrownBy(() -> kit.send(bob, group.getId(), "still here?"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("not a participant");
        });
  }

  @Test
  void aRemovalThroughAnotherChatInstanceReachesThisInstancesCache() throws Exception {
    GrpcServer other = kit.anotherChat();
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);
    awaitCached(bob, group.getId());

    kit.as(alice, other).removeParticipant(RemoveParticipantRequest.newBuilder()
        .setConversationId(group.getId()).setUserId(bob.toString()).build());

    // The kit's clock stands still: no TTL runs out here, only the announcement can drop the entry.
    Status.Code refusal = Eventually.await("bob's sends refused here", () -> {
      try {
        kit.send(bob, group.getId(), "am I still in?");
        return Status.Code.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode();
      }
    }, code -> code != Status.Code.OK);
    assertThat(refusal).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void theCleanupDeletesOnlyReservationsOlderThanTheRetention() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    UUID conversationId = UUID.fromString(conversation.getId());
    sendWithClientId(alice, conversation.getId(), "old-stored");
    kit.awaitStored(bob, conversation.getId(), 1);
    kit.clock.advance(Duration.ofHours(1));
    sendWithClientId(alice, conversation.getId(), "old-too");
    kit.clock.advance(Duration.ofDays(7).minusMinutes(30));
    sendWithClientId(alice, conversation.getId(), "recent");
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(kit.database.jdbcUrl());
    dataSource.setUser(kit.database.user());
    dataSource.setPassword(kit.database.password());
    ReservationCleanup cleanup = new ReservationCleanup(new PendingMessageStore(dataSource), Duration.ofDays(7), kit.clock);

    cleanup.runOnce();

    assertThat(kit.count("SELECT count(*) FROM pending_messages WHERE conversation_id = ?", conversationId))
        .isEqualTo(2);
    assertThat(kit.count("SELECT count(*) FROM pending_messages WHERE conversation_id = ? AND client_message_id"
        + " IN ('old-too', 'recent')", conversationId)).isEqualTo(2);
    kit.clock.advance(Duration.ofHours(1));
    cleanup.runOnce();
    assertThat(kit.count("SELECT count(*) FROM pending_messages WHERE conversation_id = ?", conversationId))
        .as("only the recent one is left").isEqualTo(1);
    assertThat(kit.count("SELECT count(*) FROM pending_messages WHERE conversation_id = ?"
        + " AND client_message_id = 'recent'", conversationId)).isEqualTo(1);
  }

  private static Message sendWithClientId(UUID sender, String conversationId, String clientMessageId) {
    return kit.as(sender).sendMessage(SendMessageRequest.newBuilder().setConversationId(conversationId)
        .setContent(clientMessageId).setClientMessageId(clientMessageId).build()).getMessage();
  }

  /** Sends until a send is served without a statement (chat follows the announcements, cache warm). */
  private static void awaitCached(UUID sender, String conversationId) throws Exception {
    Eventually.await("a send served from the cache", () -> {
      StatementLog.Mark mark = kit.statements.mark();
      kit.send(sender, conversationId, "warming up");
      return kit.statements.since(mark);
    }, List::isEmpty);
  }
}
