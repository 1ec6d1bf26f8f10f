package com.whatsappclone.status;

import static com.whatsappclone.status.GrpcErrors.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.GetStatusesResponse;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.ViewStatusRequest;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GetStatusesVisibilityTest extends StatusServerTest {

  @Test
  void ownerSeesOwnStatusesOldestFirstWithViewCounts() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    Status first = post(alice, "first");
    clock.advance(Duration.ofMinutes(1));
    Status second = post(alice, "second");
    service.as(bob).viewStatus(ViewStatusRequest.newBuilder().setStatusId(second.getId()).build());

    List<Status> seen = statusesOf(alice, alice);

    assertThat(seen).extracting(Status::getId).containsExactly(first.getId(), second.getId());
    assertThat(seen).extracting(Status::getViewCount).containsExactly(0, 1);
  }

  @Test
  void emptyUserIdMeansTheCallersOwnStatuses() {
    UUID alice = service.fixtures.newUser();
    Status mine = post(alice, "mine");

    assertThat(service.as(alice).getStatuses(GetStatusesRequest.getDefaultInstance()).getStatusesList())
        .containsExactly(mine);
  }

  @Test
  void aContactSeesThemWithoutViewCounts() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    Status status = post(alice, "hello");
    service.as(bob).viewStatus(ViewStatusRequest.newBuilder().setStatusId(status.getId()).build());

    List<Status> seenByBob = statusesOf(bob, alice);

    assertThat(seenByBob).hasSize(1);
    assertThat(seenByBob.get(0).getContent()).isEqualTo("hello");
    assertThat(seenByBob.get(0).getViewCount()).as("view counts are for the author only").isZero();
    assertThat(statusesOf(alice, alice).get(0).getViewCount()).isEqualTo(1);
  }

  @Test
  void groupMembersSeeEachOthersStatusesOnlyWhenInTheAuthorsAddressBook() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    UUID carol = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob, carol);
    service.fixtures.addContacts(alice, carol);
    service.fixtures.addContacts(bob, alice); // bob's address book does not count for alice's statuses
    Status status = post(alice, "hi group");

    assertThat(statusesOf(carol, alice)).extracting(Status::getId).containsExactly(status.getId());
    assertThat(statusesOf(bob, alice)).isEmpty();
  }

  @Test
  void strangerGetsTheSameEmptyAnswerAsForSomeoneWithoutStatuses() {
    UUID alice = service.fixtures.newUser();
    UUID silent = service.fixtures.newUser();
    UUID stranger = service.fixtures.newUser();
    service.fixtures.conversation(stranger, silent);
    post(alice, "private");

    GetStatusesResponse ofAlice = service.as(stranger).getStatuses(request(alice));
    GetStatusesResponse ofSilent = service.as(stranger).getStatuses(request(silent));
    GetStatusesResponse ofNobody = service.as(stranger).getStatuses(request(UUID.randomUUID()));

    assertThat(ofAlice).isEqualTo(GetStatusesResponse.getDefaultInstance());
    assertThat(ofAlice.toByteArray()).isEqualTo(ofSilent.toByteArray()).isEqualTo(ofNobody.toByteArray());
  }

  @Test
  void someoneTheOwnerBlockedGetsAnEmptyList() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    UUID carol = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob, carol);
    service.fixtures.addContacts(alice, bob, carol);
    service.fixtures.block(alice, bob);
    post(alice, "not for bob");

    assertThat(statusesOf(bob, alice)).isEmpty();
    assertThat(statusesOf(carol, alice)).hasSize(1);
  }

  @Test
  void malformedUserIdIsInvalidArgumentNamingTheField() {
    UUID alice = service.fixtures.newUser();

    io.grpc.Status failure = failureOf(() -> service.as(alice).getStatuses(
        GetStatusesRequest.newBuilder().setUserId("12345").build()));

    assertThat(failure.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(failure.getDescription()).startsWith("user_id:");
  }

  private static GetStatusesRequest request(UUID author) {
    return GetStatusesRequest.newBuilder().setUserId(author.toString()).build();
  }
}
