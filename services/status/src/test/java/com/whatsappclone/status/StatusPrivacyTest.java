package com.whatsappclone.status;

import static com.whatsappclone.status.GrpcErrors.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.StatusFeedGroup;
import io.grpc.Status.Code;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the author's statuses setting decides who sees their statuses (GetStatuses, the feed,
 * ViewStatus): everyone, contacts (the default: people in the author's address book) or nobody,
 * and never someone the author blocked. A status the caller may not see looks like none at all.
 */
class StatusPrivacyTest extends StatusServerTest {

  @Test
  void byDefaultSharingAConversationIsNotEnoughOnlyTheAuthorsContactsSeeThem() {
    UUID alice = service.fixtures.newUser();
    UUID contact = service.fixtures.newUser();
    UUID chatPartner = service.fixtures.newUser();
    service.fixtures.conversation(alice, contact);
    service.fixtures.conversation(alice, chatPartner);
    service.fixtures.addContacts(alice, contact);
    service.fixtures.addContacts(chatPartner, alice); // the partner's book does not count
    Status status = post(alice, "for my contacts");

    assertThat(statusesOf(contact, alice)).extracting(Status::getId).containsExactly(status.getId());
    assertThat(feedOf(contact)).extracting(StatusFeedGroup::getUserId).containsExactly(alice.toString());
    assertThat(view(contact, status).getViewedAt()).isNotEmpty();

    assertThat(statusesOf(chatPartner, alice)).isEmpty();
    assertThat(feedOf(chatPartner)).isEmpty();
    assertHiddenLikeAMissingStatus(chatPartner, status);
  }

  @Test
  void theFeedIncludesAuthorsWhoHaveTheCallerInTheirAddressBookWithoutAConversation() {
    UUID me = service.fixtures.newUser();
    UUID acquaintance = service.fixtures.newUser();
    service.fixtures.addContacts(acquaintance, me);
    Status status = post(acquaintance, "no chat yet");

    assertThat(feedOf(me)).singleElement().satisfies(group -> {
      assertThat(group.getUserId()).isEqualTo(acquaintance.toString());
      assertThat(group.getStatusesList()).extracting(Status::getId).containsExactly(status.getId());
    });
  }

  @Test
  void everyoneShowsStatusesToAnyoneNotBlockedAndFeedsThoseWhoShareAConversation() {
    UUID alice = service.fixtures.newUser();
    UUID chatPartner = service.fixtures.newUser();
    UUID stranger = service.fixtures.newUser();
    UUID blocked = service.fixtures.newUser();
    service.fixtures.conversation(alice, chatPartner, blocked);
    service.fixtures.statusesFor(alice, "everyone");
    service.fixtures.block(alice, blocked);
    Status status = post(alice, "for everyone");

    assertThat(statusesOf(chatPartner, alice)).extracting(Status::getId).containsExactly(status.getId());
    assertThat(feedOf(chatPartner)).extracting(StatusFeedGroup::getUserId).containsExactly(alice.toString());
    assertThat(statusesOf(stranger, alice)).as("asked by id: anyone").hasSize(1);
    assertThat(view(stranger, status).getViewedAt()).isNotEmpty();
    assertThat(feedOf(stranger)).as("not a feed candidate").isEmpty();

    assertThat(statusesOf(blocked, alice)).isEmpty();
    assertThat(feedOf(blocked)).isEmpty();
    assertHiddenLikeAMissingStatus(blocked, status);
  }

  @Test
  void nobodyHidesStatusesFromContactsButNotFromTheAuthor() {
    UUID alice = service.fixtures.newUser();
    UUID contact = service.fixtures.newUser();
    service.fixtures.conversation(alice, contact);
    service.fixtures.addContacts(alice, contact);
    service.fixtures.statusesFor(alice, "nobody");
    Status status = post(alice, "for me only");

    assertThat(statusesOf(contact, alice)).isEmpty();
    assertThat(feedOf(contact)).isEmpty();
    assertHiddenLikeAMissingStatus(contact, status);
    assertThat(service.as(alice).getStatuses(GetStatusesRequest.getDefaultInstance()).getStatusesList())
        .extracting(Status::getId).containsExactly(status.getId());
  }

  @Test
  void aContactTheAuthorBlockedSeesNothing() {
    UUID alice = service.fixtures.newUser();
    UUID blocked = service.fixtures.newUser();
    service.fixtures.conversation(alice, blocked);
    service.fixtures.addContacts(alice, blocked);
    service.fixtures.block(alice, blocked);
    Status status = post(alice, "not for you");

    assertThat(statusesOf(blocked, alice)).isEmpty();
    assertThat(feedOf(blocked)).isEmpty();
    assertHiddenLikeAMissingStatus(blocked, status);
  }

  /** ViewStatus answers exactly as for an unknown id, and records nothing. */
  private static void assertHiddenLikeAMissingStatus(UUID caller, Status status) {
    io.grpc.Status hidden = failureOf(() -> view(caller, status));
    io.grpc.Status missing = failureOf(() -> view(caller, Status.newBuilder().setId(UUID.randomUUID().toString()).build()));
    assertThat(hidden.getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(hidden.getDescription()).isEqualTo(missing.getDescription());
    assertThat(hidden.getCode()).isEqualTo(missing.getCode());
    assertThat(service.fixtures.count("SELECT count(*) FROM status_views WHERE status_id = ? AND user_id = ?",
        UUID.fromString(status.getId()), caller)).isZero();
  }
}
