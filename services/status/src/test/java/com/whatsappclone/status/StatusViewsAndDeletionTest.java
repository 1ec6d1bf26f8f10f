package com.whatsappclone.status;

import static com.whatsappclone.status.GrpcErrors.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.status.DeleteStatusRequest;
import com.whatsappclone.proto.status.GetStatusViewersRequest;
import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.StatusServiceGrpc.StatusServiceBlockingStub;
import com.whatsappclone.proto.status.StatusViewer;
import com.whatsappclone.proto.status.ViewStatusRequest;
import com.whatsappclone.proto.status.ViewStatusResponse;
import io.grpc.Status.Code;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class StatusViewsAndDeletionTest extends StatusServerTest {

  @Test
  void aViewIsRecordedOncePerViewerKeepingTheFirstTime() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    Status status = post(alice);
    Instant firstViewAt = clock.instant();

    ViewStatusResponse first = view(bob, status);
    clock.advance(Duration.ofMinutes(5));
    ViewStatusResponse again = view(bob, status);

    assertThat(Instant.parse(first.getViewedAt())).isEqualTo(firstViewAt);
    assertThat(again.getViewedAt()).isEqualTo(first.getViewedAt());
    assertThat(viewersOf(alice, status)).extracting(StatusViewer::getUserId, StatusViewer::getViewedAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(bob.toString(), first.getViewedAt()));
    assertThat(ownStatuses(alice).get(0).getViewCount()).isEqualTo(1);
  }

  @Test
  void viewersAreListedMostRecentFirst() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    UUID carol = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob, carol);
    service.fixtures.addContacts(alice, bob, carol);
    Status status = post(alice);

    view(bob, status);
    clock.advance(Duration.ofSeconds(30));
    view(carol, status);

    assertThat(viewersOf(alice, status)).extracting(StatusViewer::getUserId)
        .containsExactly(carol.toString(), bob.toString());
  }

  @Test
  void theAuthorsOwnViewIsNotCounted() {
    UUID alice = service.fixtures.newUser();
    Status status = post(alice);

    ViewStatusResponse response = view(alice, status);

    assertThat(response.getViewedAt()).isEmpty();
    assertThat(viewersOf(alice, status)).isEmpty();
    assertThat(ownStatuses(alice).get(0).getViewCount()).isZero();
  }

  @Test
  void statusesTheCallerMayNotSeeAnswerExactlyLikeMissingOnes() {
    UUID alice = service.fixtures.newUser();
    UUID blocked = service.fixtures.newUser();
    UUID stranger = service.fixtures.newUser();
    service.fixtures.conversation(alice, blocked);
    service.fixtures.addContacts(alice, blocked);
    service.fixtures.block(alice, blocked);
    Status status = post(alice);
    String missing = UUID.randomUUID().toString();

    for (UUID outsider : List.of(blocked, stranger)) {
      for (BiConsumer<StatusServiceBlockingStub, String> rpc : allByIdRpcs()) {
        io.grpc.Status hidden = failureOf(() -> rpc.accept(service.as(outsider), status.getId()));
        io.grpc.Status absent = failureOf(() -> rpc.accept(service.as(outsider), missing));
        assertThat(hidden.getCode()).isEqualTo(Code.NOT_FOUND);
        assertThat(hidden.getDescription()).isEqualTo(absent.getDescription());
        assertThat(absent.getCode()).isEqualTo(Code.NOT_FOUND);
      }
    }
    assertThat(service.fixtures.count("SELECT count(*) FROM status_views WHERE status_id = ?",
        UUID.fromString(status.getId()))).isZero();
    assertThat(ownStatuses(alice)).hasSize(1);
  }

  @Test
  void onlyTheAuthorMaySeeViewersOrDelete() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    Status status = post(alice);

    io.grpc.Status viewers = failureOf(() -> viewersOf(bob, status));
    io.grpc.Status delete = failureOf(() -> delete(bob, status));

    assertThat(viewers.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(viewers.getDescription()).startsWith("status_id:");
    assertThat(delete.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(ownStatuses(alice)).hasSize(1);
  }

  @Test
  void deletingRemovesTheStatusAndItsViews() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    Status status = post(alice);
    Status kept = post(alice);
    view(bob, status);
    view(bob, kept);

    boolean success = delete(alice, status);

    assertThat(success).isTrue();
    assertThat(ownStatuses(alice)).extracting(Status::getId).containsExactly(kept.getId());
    assertThat(service.fixtures.count("SELECT count(*) FROM status_views WHERE status_id = ?",
        UUID.fromString(status.getId()))).isZero();
    assertThat(service.fixtures.count("SELECT count(*) FROM status_views WHERE status_id = ?",
        UUID.fromString(kept.getId()))).isEqualTo(1);
    assertThat(failureOf(() -> delete(alice, status)).getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(failureOf(() -> view(bob, status)).getCode()).isEqualTo(Code.NOT_FOUND);
  }

  @Test
  void malformedOrMissingStatusIdIsInvalidArgumentNamingTheField() {
    UUID alice = service.fixtures.newUser();

    for (BiConsumer<StatusServiceBlockingStub, String> rpc : allByIdRpcs()) {
      for (String id : new String[] {"", "nope", "1-2-3-4-5"}) {
        io.grpc.Status failure = failureOf(() -> rpc.accept(service.as(alice), id));
        assertThat(failure.getCode()).as("status_id '%s'", id).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(failure.getDescription()).startsWith("status_id:");
      }
    }
  }

  private static List<BiConsumer<StatusServiceBlockingStub, String>> allByIdRpcs() {
    return List.of(
        (stub, id) -> stub.viewStatus(ViewStatusRequest.newBuilder().setStatusId(id).build()),
        (stub, id) -> stub.getStatusViewers(GetStatusViewersRequest.newBuilder().setStatusId(id).build()),
        (stub, id) -> stub.deleteStatus(DeleteStatusRequest.newBuilder().setStatusId(id).build()));
  }

  private static Status post(UUID author) {
    return post(author, "story");
  }

  private static List<StatusViewer> viewersOf(UUID caller, Status status) {
    return service.as(caller).getStatusViewers(
        GetStatusViewersRequest.newBuilder().setStatusId(status.getId()).build()).getViewersList();
  }

  private static boolean delete(UUID caller, Status status) {
    return service.as(caller).deleteStatus(
        DeleteStatusRequest.newBuilder().setStatusId(status.getId()).build()).getSuccess();
  }

  private static List<Status> ownStatuses(UUID author) {
    return service.as(author).getStatuses(GetStatusesRequest.getDefaultInstance()).getStatusesList();
  }
}
