package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.chat.AddParticipantsRequest;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.LeaveConversationRequest;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.RemoveParticipantRequest;
import com.whatsappclone.proto.events.ConversationMembershipChanged;
import com.whatsappclone.testing.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupMembershipTest extends ChatServerTest {

  private static TopicReader realtimeEvents;

  @BeforeAll
  static void prepare() throws Exception {
    realtimeEvents = kit.reader(kit.topics.realtimeEvents());
  }

  @Test
  void anAdminAddsParticipantsAndRealtimeIsTold() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID dave = kit.createUser();
    Conversation group = kit.group(alice, "team", bob);

    Conversation after = add(alice, group.getId(), carol, dave, bob);

    assertThat(after.getParticipantIdsList())
        .containsExactlyInAnyOrder(alice.toString(), bob.toString(), carol.toString(), dave.toString());
    assertThat(after.getAdminIdsList()).containsExactly(alice.toString());
    ConsumerRecord<String, byte[]> record = membershipEventOf(group.getId());
    assertThat(new String(record.headers().lastHeader(MessageEvents.EVENT_TYPE_HEADER).value(),
        StandardCharsets.UTF_8)).isEqualTo("whatsapp.events.ConversationMembershipChanged");
    ConversationMembershipChanged event = ConversationMembershipChanged.parseFrom(record.value());
    assertThat(event.getAddedUserIdsList()).containsExactly(carol.toString(), dave.toString());
    assertThat(event.getRemovedUserIdsList()).isEmpty();
    assertThat(event.getParticipantIdsList()).hasSize(4);
  }

  @Test
  void anAddedParticipantCanSendAndRead() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob);

    add(alice, group.getId(), carol);
    kit.send(carol, group.getId(), "hello, I am new");

    assertThat(kit.awaitStored(carol, group.getId(), 1)).extracting(m -> m.getContent())
        .containsExactly("hello, I am new");
  }

  @Test
  void onlyAdminsAddParticipants() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID outsider = kit.createUser();
    Conversation group = kit.group(alice, "team", bob);

    assertStatus(() -> add(bob, group.getId(), carol), Status.Code.PERMISSION_DENIED, "only group admins");
    assertStatus(() -> add(outsider, group.getId(), carol), Status.Code.PERMISSION_DENIED, "not a participant");
  }

  @Test
  void aOneToOneConversationCannotGainMembers() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation direct = kit.direct(alice, bob);

    assertStatus(() -> add(alice, direct.getId(), carol), Status.Code.FAILED_PRECONDITION, "one-to-one");
  }

  @Test
  void addingChecksTheUsersAndTheGroupSize() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation group = kit.group(alice, "team", bob);
    List<UUID> many = kit.createUsers(255);

    assertStatus(() -> add(alice, group.getId(), UUID.randomUUID()), Status.Code.NOT_FOUND, "user_ids");
    assertStatus(() -> kit.as(alice).addParticipants(AddParticipantsRequest.newBuilder()
        .setConversationId(group.getId()).addUserIds("nope").build()), Status.Code.INVALID_ARGUMENT, "user_ids[0]");
    assertStatus(() -> kit.as(alice).addParticipants(AddParticipantsRequest.newBuilder()
        .setConversationId(group.getId()).build()), Status.Code.INVALID_ARGUMENT, "user_ids");
    assertStatus(() -> add(alice, UUID.randomUUID().toString(), bob), Status.Code.NOT_FOUND, "conversation_id");
    assertStatus(() -> add(alice, group.getId(), many.toArray(UUID[]::new)), Status.Code.INVALID_ARGUMENT,
        "user_ids: a group has at most 256 members");
    assertThat(add(alice, group.getId(), many.subList(0, 254).toArray(UUID[]::new)).getParticipantIdsCount())
        .isEqualTo(256);
  }

  @Test
  void anAdminRemovesAParticipantWhoThenCanNeitherSendNorRead() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);

    Conversation after = kit.as(alice).removeParticipant(RemoveParticipantRequest.newBuilder()
        .setConversationId(group.getId()).setUserId(bob.toString()).build()).getConversation();

    assertThat(after.getParticipantIdsList()).containsExactlyInAnyOrder(alice.toString(), carol.toString());
    ConversationMembershipChanged event =
        ConversationMembershipChanged.parseFrom(membershipEventOf(group.getId()).value());
    assertThat(event.getRemovedUserIdsList()).containsExactly(bob.toString());
    assertStatus(() -> kit.send(bob, group.getId(), "still here?"), Status.Code.PERMISSION_DENIED,
        "not a participant");
    assertStatus(() -> kit.as(bob).listMessages(ListMessagesRequest.newBuilder()
        .setConversationId(group.getId()).build()), Status.Code.PERMISSION_DENIED, "not a participant");
  }

  @Test
  void onlyAdminsRemoveOthersAndOnlyParticipantsCanBeRemoved() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    UUID outsider = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);
    Conversation direct = kit.direct(alice, bob);

    assertStatus(() -> remove(bob, group.getId(), carol), Status.Code.PERMISSION_DENIED, "only group admins");
    assertStatus(() -> remove(alice, group.getId(), outsider), Status.Code.NOT_FOUND, "user_id");
    assertStatus(() -> remove(alice, direct.getId(), bob), Status.Code.FAILED_PRECONDITION, "one-to-one");
  }

  @Test
  void anyMemberLeavesAGroup() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob, carol);

    kit.as(carol).leaveConversation(LeaveConversationRequest.newBuilder().setConversationId(group.getId()).build());

    assertThat(kit.count("SELECT count(*) FROM conversation_participants WHERE conversation_id = ?",
        UUID.fromString(group.getId()))).isEqualTo(2);
    ConversationMembershipChanged event =
        ConversationMembershipChanged.parseFrom(membershipEventOf(group.getId()).value());
    assertThat(event.getRemovedUserIdsList()).containsExactly(carol.toString());
    assertStatus(() -> kit.as(carol).leaveConversation(LeaveConversationRequest.newBuilder()
        .setConversationId(group.getId()).build()), Status.Code.PERMISSION_DENIED, "not a participant");
  }

  @Test
  void whenTheLastAdminLeavesTheLongestStandingMemberBecomesAdmin() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID carol = kit.createUser();
    Conversation group = kit.group(alice, "team", bob);
    kit.clock.advance(Duration.ofMinutes(1));
    add(alice, group.getId(), carol);

    kit.as(alice).leaveConversation(LeaveConversationRequest.newBuilder().setConversationId(group.getId()).build());

    Conversation after = remove(bob, group.getId(), bob); // bob can act as admin now: removing himself
    assertThat(after.getParticipantIdsList()).containsExactly(carol.toString());
    assertThat(after.getAdminIdsList()).containsExactly(carol.toString());
  }

  @Test
  void aOneToOneConversationCannotBeLeft() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation direct = kit.direct(alice, bob);

    assertStatus(() -> kit.as(alice).leaveConversation(LeaveConversationRequest.newBuilder()
        .setConversationId(direct.getId()).build()), Status.Code.FAILED_PRECONDITION, "one-to-one");
    assertThat(kit.count("SELECT count(*) FROM conversation_participants WHERE conversation_id = ?",
        UUID.fromString(direct.getId()))).isEqualTo(2);
  }

  private static Conversation add(UUID caller, String conversationId, UUID... users) {
    AddParticipantsRequest.Builder request = AddParticipantsRequest.newBuilder().setConversationId(conversationId);
    Arrays.stream(users).forEach(u -> request.addUserIds(u.toString()));
    return kit.as(caller).addParticipants(request.build()).getConversation();
  }

  private static Conversation remove(UUID caller, String conversationId, UUID user) {
    return kit.as(caller).removeParticipant(RemoveParticipantRequest.newBuilder()
        .setConversationId(conversationId).setUserId(user.toString()).build()).getConversation();
  }

  /** The newest membership event of the conversation. */
  private static ConsumerRecord<String, byte[]> membershipEventOf(String conversationId) throws Exception {
    int before = (int) realtimeEvents.records().stream().filter(r -> r.key().equals(conversationId)).count();
    List<ConsumerRecord<String, byte[]>> all = realtimeEvents.readUntil("a membership event",
        records -> records.stream().filter(r -> r.key().equals(conversationId)).count() > before);
    return all.stream().filter(r -> r.key().equals(conversationId)).reduce((a, b) -> b).orElseThrow();
  }

  private static void assertStatus(ThrowingCallable call, Status.Code code, String descriptionPart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(descriptionPart);
    });
  }
}
