package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.chat.AddParticipantsRequest;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Blocks as chat applies them (issue 17): who blocked the caller looks like an unknown user, the
 * blocker is told to unblock, and a blocker's reads leave out what a blocked sender sent them in
 * a one-to-one conversation during the block. Blocks are rows of blocked_users, as auth writes them.
 */
class BlockingTest extends ChatServerTest {

  @Test
  void aOneToOneConversationWithSomeoneWhoBlockedTheCallerIsRefusedExactlyAsForAnUnknownUser() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    kit.block(alice, bob);
    UUID ghost = UUID.randomUUID();

    StatusRuntimeException blocked = refusal(() -> kit.direct(bob, alice));
    StatusRuntimeException unknown = refusal(() -> kit.direct(bob, ghost));

    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ErrorDetails.reason(blocked)).isEqualTo("USER_NOT_FOUND");
    assertThat(withoutId(blocked, alice)).isEqualTo(withoutId(unknown, ghost));
    assertThat(kit.count("SELECT count(*) FROM conversation_participants WHERE user_id = ?", bob)).isZero();
  }

  @Test
  void theBlockerIsToldToUnblockBeforeStartingAOneToOneConversation() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    kit.block(alice, bob);

    StatusRuntimeException refused = refusal(() -> kit.direct(alice, bob));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(ErrorDetails.reason(refused)).isEqualTo("USER_BLOCKED");
    assertThat(refused.getStatus().getDescription()).contains("participant_ids").contains("unblock");
    kit.unblock(alice, bob);
    assertThat(kit.direct(alice, bob).getParticipantIdsList()).containsExactlyInAnyOrder(alice.toString(), bob.toString());
  }

  @Test
  void aOneToOneConversationMadeBeforeTheBlockIsReturnedAsItIsToBoth() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation before = kit.direct(bob, alice);
    kit.block(alice, bob);

    assertThat(kit.direct(bob, alice).getId()).isEqualTo(before.getId());
    assertThat(kit.direct(alice, bob).getId()).isEqualTo(before.getId());
  }

  @Test
  void aGroupWithSomeoneWhoBlockedTheCreatorIsRefusedExactlyAsForAnUnknownUser() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    kit.block(alice, bob);
    UUID ghost = UUID.randomUUID();

    StatusRuntimeException blocked = refusal(() -> kit.group(bob, "trip", carol, alice));
    StatusRuntimeException unknown = refusal(() -> kit.group(bob, "trip", carol, ghost));

    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ErrorDetails.reason(blocked)).isEqualTo("USER_NOT_FOUND");
    assertThat(withoutId(blocked, alice)).isEqualTo(withoutId(unknown, ghost));
    assertThat(kit.count("SELECT count(*) FROM conversation_participants WHERE user_id = ?", bob)).isZero();
    StatusRuntimeException own = refusal(() -> kit.group(alice, "trip", carol, bob));
    assertThat(own.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(ErrorDetails.reason(own)).isEqualTo("USER_BLOCKED");
  }

  @Test
  void addingSomeoneWhoBlockedTheAdminIsRefusedExactlyAsForAnUnknownUserAndAddsNobody() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID dave = kit.createUser();
    Conversation group = kit.group(bob, "trip", carol);
    kit.block(alice, bob);
    UUID ghost = UUID.randomUUID();

    StatusRuntimeException blocked = refusal(() -> add(bob, group, dave, alice));
    StatusRuntimeException unknown = refusal(() -> add(bob, group, dave, ghost));

    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ErrorDetails.reason(blocked)).isEqualTo("USER_NOT_FOUND");
    assertThat(withoutId(blocked, alice)).isEqualTo(withoutId(unknown, ghost));
    assertThat(kit.count("SELECT count(*) FROM conversation_participants WHERE conversation_id = ?",
        UUID.fromString(group.getId()))).isEqualTo(2);
  }

  @Test
  void theAdminIsToldToUnblockBeforeAddingSomeoneTheyBlocked() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "trip", carol);
    kit.block(alice, bob);

    StatusRuntimeException refused = refusal(() -> add(alice, group, bob));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(ErrorDetails.reason(refused)).isEqualTo("USER_BLOCKED");
  }

  @Test
  void membersWhoBlockEachOtherStayInTheGroupAndCanBeNamedAgain() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "trip", bob);
    kit.block(alice, bob);
    kit.block(bob, alice);

    Conversation after = add(alice, group, bob, carol);

    assertThat(after.getParticipantIdsList()).containsExactlyInAnyOrder(alice.toString(), bob.toString(), carol.toString());
  }

  @Test
  void theBlockerNeverListsWhatTheBlockedSenderSentDuringTheBlockEvenAfterUnblocking() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation direct = kit.direct(bob, alice);
    Message before = kit.send(bob, direct.getId(), "before");
    kit.awaitStored(bob, direct.getId(), 1);
    kit.block(alice, bob);
    Message during = kit.send(bob, direct.getId(), "during");
    Message fromAlice = kit.send(alice, direct.getId(), "alice's own");
    kit.awaitStored(bob, direct.getId(), 3);
    kit.unblock(alice, bob);
    Message after = kit.send(bob, direct.getId(), "after");

    List<Message> bobSees = kit.awaitStored(bob, direct.getId(), 4);
    List<Message> aliceSees = kit.awaitStored(alice, direct.getId(), 3);

    // The sender was told nothing: an ordinary answer, and the message is stored and his to list.
    assertThat(during.getId()).isNotEmpty();
    assertThat(during.getSeq()).isZero();
    assertThat(bobSees).extracting(Message::getContent).containsExactly("after", "alice's own", "during", "before");
    assertThat(aliceSees).extracting(Message::getId).containsExactly(after.getId(), fromAlice.getId(), before.getId());
    assertThat(aliceSees).extracting(Message::getSeq).containsExactly(4L, 3L, 1L);
    // Its id pages nothing for her: the same answer as for an id that is not in the conversation.
    StatusRuntimeException paging = refusal(() -> kit.as(alice).listMessages(ListMessagesRequest.newBuilder()
        .setConversationId(direct.getId()).setBeforeMessageId(during.getId()).build()));
    assertThat(paging.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ErrorDetails.reason(paging)).isEqualTo("MESSAGE_NOT_FOUND");
    assertThat(kit.as(bob).listMessages(ListMessagesRequest.newBuilder().setConversationId(direct.getId())
        .setBeforeMessageId(during.getId()).build()).getMessagesList()).extracting(Message::getContent)
        .containsExactly("before");
  }

  @Test
  void getConversationsShowsTheBlockerTheNewestMessageTheyMaySeeAndOrdersByIt() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation withBob = kit.direct(alice, bob);
    Conversation withCarol = kit.direct(alice, carol);
    Conversation silent = kit.direct(alice, kit.createUser());
    Instant visibleAt = kit.clock.advance(Duration.ofSeconds(1));
    kit.send(bob, withBob.getId(), "visible");
    kit.awaitStored(bob, withBob.getId(), 1);
    kit.clock.advance(Duration.ofSeconds(1));
    kit.send(carol, withCarol.getId(), "from carol");
    kit.awaitStored(carol, withCarol.getId(), 1);
    kit.block(alice, bob);
    Instant withheldAt = kit.clock.advance(Duration.ofSeconds(1));
    kit.send(bob, withBob.getId(), "withheld 1");
    kit.send(bob, withBob.getId(), "withheld 2");
    kit.awaitStored(bob, withBob.getId(), 3);

    List<Conversation> aliceSees = kit.as(alice).getConversations(GetConversationsRequest.getDefaultInstance())
        .getConversationsList();
    List<Conversation> bobSees = kit.as(bob).getConversations(GetConversationsRequest.getDefaultInstance())
        .getConversationsList();

    assertThat(aliceSees).extracting(Conversation::getId)
        .containsExactly(withCarol.getId(), withBob.getId(), silent.getId());
    Conversation hers = aliceSees.get(1);
    assertThat(hers.getLastSeq()).isEqualTo(1);
    assertThat(Instant.parse(hers.getLastMessageAt())).isEqualTo(visibleAt);
    Conversation his = bobSees.get(0);
    assertThat(his.getId()).isEqualTo(withBob.getId());
    assertThat(his.getLastSeq()).isEqualTo(3);
    assertThat(Instant.parse(his.getLastMessageAt())).isEqualTo(withheldAt);
  }

  @Test
  void getConversationsShowsNoLastMessageWhenEveryMessageWasWithheld() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation direct = kit.direct(alice, bob);
    kit.block(alice, bob);
    kit.send(bob, direct.getId(), "withheld");
    kit.awaitStored(bob, direct.getId(), 1);

    Conversation hers = kit.as(alice).getConversations(GetConversationsRequest.getDefaultInstance())
        .getConversations(0);

    assertThat(hers.getId()).isEqualTo(direct.getId());
    assertThat(hers.getLastSeq()).isZero();
    assertThat(hers.getLastMessageAt()).isEmpty();
  }

  @Test
  void groupMessagesOfABlockedSenderAreListedAsUsual() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation group = kit.group(alice, "two of us", bob);
    kit.block(alice, bob);

    kit.send(bob, group.getId(), "in the group");

    assertThat(kit.awaitStored(alice, group.getId(), 1)).extracting(Message::getContent).containsExactly("in the group");
    assertThat(kit.as(alice).getConversations(GetConversationsRequest.getDefaultInstance()).getConversations(0)
        .getLastSeq()).isEqualTo(1);
  }

  private static Conversation add(UUID caller, Conversation group, UUID... users) {
    AddParticipantsRequest.Builder request = AddParticipantsRequest.newBuilder().setConversationId(group.getId());
    for (UUID user : users) {
      request.addUserIds(user.toString());
    }
    return kit.as(caller).addParticipants(request.build()).getConversation();
  }

  private static StatusRuntimeException refusal(Executable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::execute);
  }

  /** Everything the client receives (code, message, every detail), with the user id masked. */
  private static String withoutId(StatusRuntimeException e, UUID id) {
    return (e.getStatus().getCode() + " " + e.getStatus().getDescription() + " " + StatusProto.fromThrowable(e))
        .replace(id.toString(), "<id>");
  }
}
