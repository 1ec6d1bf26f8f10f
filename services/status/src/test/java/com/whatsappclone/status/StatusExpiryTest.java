package com.whatsappclone.status;

import static com.whatsappclone.status.GrpcErrors.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.status.DeleteStatusRequest;
import com.whatsappclone.proto.status.GetStatusViewersRequest;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.StatusFeedGroup;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Expiry is decided on every read with the service's clock; the cleanup job never runs here. */
class StatusExpiryTest extends StatusServerTest {

  private static final Duration ONE_MICROSECOND = Duration.ofNanos(1_000);

  @Test
  void statusIsShownUntilTwentyFourHoursAfterCreationAndNowhereAfterEvenBeforeCleanup() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    Status status = post(alice, "today only");
    view(bob, status);

    clock.advance(Duration.ofHours(24).minus(ONE_MICROSECOND));
    assertThat(statusesOf(bob, alice)).extracting(Status::getId).containsExactly(status.getId());
    assertThat(feedOf(bob)).hasSize(1);

    clock.advance(ONE_MICROSECOND);
    assertThat(statusesOf(bob, alice)).isEmpty();
    assertThat(statusesOf(alice, alice)).isEmpty();
    assertThat(feedOf(bob)).isEmpty();
    assertThat(failureOf(() -> view(bob, status)).getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(failureOf(() -> service.as(alice).getStatusViewers(GetStatusViewersRequest.newBuilder()
        .setStatusId(status.getId()).build())).getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(failureOf(() -> service.as(alice).deleteStatus(DeleteStatusRequest.newBuilder()
        .setStatusId(status.getId()).build())).getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(service.fixtures.count("SELECT count(*) FROM status_updates WHERE id = ?",
        UUID.fromString(status.getId()))).as("still stored: only the cleanup job deletes").isEqualTo(1);
  }

  @Test
  void olderStatusesExpireWhileNewerOnesOfTheSameAuthorStay() {
    UUID alice = service.fixtures.newUser();
    UUID bob = service.fixtures.newUser();
    service.fixtures.conversation(alice, bob);
    service.fixtures.addContacts(alice, bob);
    post(alice, "morning");
    clock.advance(Duration.ofHours(6));
    Status evening = post(alice, "evening");

    clock.advance(Duration.ofHours(18));

    assertThat(statusesOf(bob, alice)).extracting(Status::getId).containsExactly(evening.getId());
    List<StatusFeedGroup> feed = feedOf(bob);
    assertThat(feed).hasSize(1);
    assertThat(feed.get(0).getStatusesList()).extracting(Status::getId).containsExactly(evening.getId());
  }
}
