package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConversationsTest extends ChatServerTest {

  @Test
  void theCallerIsAlwaysAParticipant() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Instant now = kit.clock.advance(Duration.ofSeconds(1));

    Conversation conversation = kit.direct(alice, bob);

    assertThat(conversation.getParticipantIdsList()).containsExactlyInAnyOrder(alice.toString(), bob.toString());
    assertThat(conversation.getIsGroup()).isFalse();
    assertThat(conversation.getGroupName()).isEmpty();
    assertThat(conversation.getAdminIdsList()).isEmpty();
    assertThat(Instant.parse(conversation.getCreatedAt())).isEqualTo(now);
    assertThat(UUID.fromString(conversation.getId()).version()).isEqualTo(7);
  }

  @Test
  void creatingAOneToOneConversationAgainReturnsTheExistingOneFromEitherSide() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation first = kit.direct(alice, bob);

    Conversation again = kit.direct(alice, bob);
    Conversation fromBob = kit.direct(bob, alice);
    Conversation naming = kit.as(alice).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(alice.toString()).addParticipantIds(bob.toString()).build()).getConversation();

    assertThat(List.of(again.getId(), fromBob.getId(), naming.getId())).containsOnly(first.getId());
  }

  @Test
  void twoUsersCreatingTheirConversationAtOnceGetTheSameOne() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        UUID caller = i % 2 == 0 ? alice : bob;
        UUID other = i % 2 == 0 ? bob : alice;
        Callable<String> create = () -> {
          go.await();
          return kit.direct(caller, other).getId();
        };
        ids.add(pool.submit(create));
      }
      go.countDown();
      List<String> results = new ArrayList<>();
      for (Future<String> id : ids) {
        results.add(id.get(30, TimeUnit.SECONDS));
      }
      assertThat(results).containsOnly(results.get(0));
    } finally {
      pool.shutdownNow();
    }
    assertThat(kit.count("SELECT count(*) FROM conversation_participants p1"
        + " JOIN conversation_participants p2 ON p1.conversation_id = p2.conversation_id"
        + " WHERE p1.user_id = ? AND p2.user_id = ?", alice, bob)).isEqualTo(1);
  }

  @Test
  void aOneToOneConversationHasExactlyTwoDistinctUsers() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();

    assertInvalid(CreateConversationRequest.newBuilder().addParticipantIds(alice.toString()), alice,
        "participant_ids");
    assertInvalid(CreateConversationRequest.newBuilder(), alice, "participant_ids");
    assertInvalid(CreateConversationRequest.newBuilder()
        .addParticipantIds(bob.toString()).addParticipantIds(carol.toString()), alice, "participant_ids");
  }

  @Test
  void everyParticipantMustExist() throws Exception {
    UUID alice = kit.createUser();
    UUID ghost = UUID.randomUUID();

    assertThatThrownBy(() -> kit.as(alice).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(ghost.toString()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("participant_ids").contains(ghost.toString());
        });
  }

  @Test
  void participantIdsMustBeWellFormed() throws Exception {
    UUID alice = kit.createUser();

    assertInvalid(CreateConversationRequest.newBuilder().addParticipantIds("not-a-uuid"), alice,
        "participant_ids[0]");
  }

  @Test
  void aGroupHasANameOfOneToOneHundredCharacters() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    String hundredEmoji = "\uD83D\uDE00".repeat(100); // 100 characters, 200 UTF-16 units

    Conversation group = kit.group(alice, hundredEmoji, bob);

    assertThat(group.getGroupName()).isEqualTo(hundredEmoji);
    assertThat(group.getIsGroup()).isTrue();
    for (String bad : List.of("", "   ", "x".repeat(101))) {
      assertInvalid(CreateConversationRequest.newBuilder().setIsGroup(true).setGroupName(bad)
          .addParticipantIds(bob.toString()), alice, "group_name");
    }
  }

  @Test
  void groupNameIsOneTrimmedLineWithoutControlCharacters() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();

    for (String bad : List.of("evil\u001b[2Jname", "two\nlines", "a\r\nb", "tab\tname", "nul\u0000",
        "c1\u0085", "del\u007f")) {
      assertInvalid(CreateConversationRequest.newBuilder().setIsGroup(true).setGroupName(bad)
          .addParticipantIds(bob.toString()), alice, "group_name: must not contain control characters");
    }
    assertThat(kit.group(alice, "  Aile \uD83D\uDC68\u200D\uD83D\uDC69  ", bob).getGroupName())
        .isEqualTo("Aile \uD83D\uDC68\u200D\uD83D\uDC69");
    assertThat(kit.group(alice, "\n  friends \t", bob).getGroupName())
        .as("surrounding line breaks are trimmed, not refused").isEqualTo("friends");
  }

  @Test
  void aGroupHasTwoTo256Members() throws Exception {
    UUID alice = kit.createUser();
    List<UUID> others = kit.createUsers(256);

    assertInvalid(CreateConversationRequest.newBuilder().setIsGroup(true).setGroupName("alone"),
        alice, "participant_ids");
    assertInvalid(withMembers(others), alice, "participant_ids"); // 257 with the caller
    Conversation full = kit.as(alice).createConversation(withMembers(others.subList(0, 255)).build())
        .getConversation();
    assertThat(full.getParticipantIdsCount()).isEqualTo(256);
  }

  @Test
  void theCreatorOfAGroupIsItsAdmin() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();

    Conversation group = kit.group(bob, "friends", alice, carol);

    assertThat(group.getAdminIdsList()).containsExactly(bob.toString());
    assertThat(group.getParticipantIdsList()).hasSize(3).startsWith(bob.toString());
  }

  @Test
  void getConversationsListsTheCallersConversationsMostRecentActivityFirst() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID dave = kit.createUser();
    kit.clock.advance(Duration.ofSeconds(1));
    Conversation withBob = kit.direct(alice, bob);
    kit.clock.advance(Duration.ofSeconds(1));
    Conversation withCarol = kit.direct(alice, carol);
    kit.clock.advance(Duration.ofSeconds(1));
    Conversation group = kit.group(alice, "team", bob, carol);
    kit.direct(bob, dave); // not alice's

    assertThat(ids(kit.as(alice).getConversations(GetConversationsRequest.getDefaultInstance()).getConversationsList()))
        .containsExactly(group.getId(), withCarol.getId(), withBob.getId());

    Instant sentAt = kit.clock.advance(Duration.ofSeconds(1));
    kit.send(bob, withBob.getId(), "newest activity");
    kit.awaitStored(alice, withBob.getId(), 1);

    List<Conversation> listed = kit.as(alice).getConversations(GetConversationsRequest.getDefaultInstance())
        .getConversationsList();
    assertThat(ids(listed)).containsExactly(withBob.getId(), group.getId(), withCarol.getId());
    assertThat(listed.get(0).getLastSeq()).isEqualTo(1);
    assertThat(Instant.parse(listed.get(0).getLastMessageAt())).isEqualTo(sentAt);
    assertThat(listed.get(1).getLastMessageAt()).isEmpty();
    assertThat(listed.get(1).getAdminIdsList()).containsExactly(alice.toString());
    assertThat(listed.get(1).getGroupName()).isEqualTo("team");
  }

  @Test
  void everyRpcNeedsAnAccessToken() {
    assertThatThrownBy(() -> kit.anonymous().getConversations(GetConversationsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void clientsReadTheReasonAndTheRequestFieldOfARefusal() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID outsider = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);

    StatusRuntimeException malformed = catchThrowableOfType(StatusRuntimeException.class, () -> kit.as(alice)
        .listMessages(ListMessagesRequest.newBuilder().setConversationId("not-an-id").build()));
    assertThat(ErrorDetails.reason(malformed)).isEqualTo("INVALID_ID");
    assertThat(ErrorDetails.badRequest(malformed).orElseThrow().getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField).containsExactly("conversation_id");

    StatusRuntimeException notMine = catchThrowableOfType(StatusRuntimeException.class, () -> kit.as(outsider)
        .listMessages(ListMessagesRequest.newBuilder().setConversationId(conversation.getId()).build()));
    assertThat(ErrorDetails.reason(notMine)).isEqualTo("NOT_A_PARTICIPANT");

    StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class, () -> kit.as(alice)
        .listMessages(ListMessagesRequest.newBuilder().setConversationId(UUID.randomUUID().toString()).build()));
    assertThat(ErrorDetails.reason(missing)).isEqualTo("CONVERSATION_NOT_FOUND");

    StatusRuntimeException anonymous = catchThrowableOfType(StatusRuntimeException.class,
        () -> kit.anonymous().getConversations(GetConversationsRequest.getDefaultInstance()));
    assertThat(ErrorDetails.reason(anonymous)).isEqualTo("TOKEN_MISSING");
  }

  private static CreateConversationRequest.Builder withMembers(List<UUID> members) {
    CreateConversationRequest.Builder request = CreateConversationRequest.newBuilder()
        .setIsGroup(true).setGroupName("big");
    members.forEach(m -> request.addParticipantIds(m.toString()));
    return request;
  }

  private static void assertInvalid(CreateConversationRequest.Builder request, UUID caller, String field) {
    assertThatThrownBy(() -> kit.as(caller).createConversation(request.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith(field);
        });
  }

  private static List<String> ids(List<Conversation> conversations) {
    return conversations.stream().map(Conversation::getId).toList();
  }
}
