package com.whatsappclone.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.StatusFeedGroup;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatusFeedTest extends StatusServerTest {

  @Test
  void feedGroupsByAuthorNewestAuthorFirstAndStatusesOldestFirst() {
    UUID me = service.fixtures.newUser();
    UUID anna = service.fixtures.newUser();
    UUID ben = service.fixtures.newUser();
    UUID cleo = service.fixtures.newUser();
    service.fixtures.conversation(me, anna);
    service.fixtures.conversation(me, ben, cleo);
    service.fixtures.addContacts(anna, me);
    service.fixtures.addContacts(ben, me);
    service.fixtures.addContacts(cleo, me);
    Status anna1 = post(anna, "anna 1");
    clock.advance(Duration.ofMinutes(1));
    Status ben1 = post(ben, "ben 1");
    clock.advance(Duration.ofMinutes(1));
    Status cleo1 = post(cleo, "cleo 1");
    clock.advance(Duration.ofMinutes(1));
    Status anna2 = post(anna, "anna 2");

    List<StatusFeedGroup> feed = feedOf(me);

    assertThat(feed).extracting(StatusFeedGroup::getUserId)
        .containsExactly(anna.toString(), cleo.toString(), ben.toString());
    assertThat(feed.get(0).getStatusesList()).extracting(Status::getId)
        .containsExactly(anna1.getId(), anna2.getId());
    assertThat(feed.get(0).getLatestCreatedAt()).isEqualTo(anna2.getCreatedAt());
    assertThat(feed.get(1).getStatusesList()).extracting(Status::getId).containsExactly(cleo1.getId());
    assertThat(feed.get(2).getStatusesList()).extracting(Status::getId).containsExactly(ben1.getId());
    assertThat(feed.get(0).getStatuses(0).getViewCount()).as("only authors see view counts").isZero();
  }

  @Test
  void groupIsAllViewedOnlyOnceEveryStatusInItWasViewed() {
    UUID me = service.fixtures.newUser();
    UUID anna = service.fixtures.newUser();
    service.fixtures.conversation(me, anna);
    service.fixtures.addContacts(anna, me);
    Status first = post(anna, "one");
    Status second = post(anna, "two");

    boolean before = feedOf(me).get(0).getAllViewed();
    view(me, first);
    boolean afterOne = feedOf(me).get(0).getAllViewed();
    view(me, second);
    boolean afterBoth = feedOf(me).get(0).getAllViewed();

    assertThat(before).isFalse();
    assertThat(afterOne).isFalse();
    assertThat(afterBoth).isTrue();
  }

  @Test
  void feedLeavesOutOwnStatusesStrangersAndAuthorsWhoBlockedTheCaller() {
    UUID me = service.fixtures.newUser();
    UUID friend = service.fixtures.newUser();
    UUID blocker = service.fixtures.newUser();
    UUID stranger = service.fixtures.newUser();
    service.fixtures.conversation(me, friend);
    service.fixtures.conversation(me, blocker);
    service.fixtures.block(blocker, me);
    service.fixtures.addContacts(friend, me);
    service.fixtures.addContacts(blocker, me);
    service.fixtures.statusesFor(stranger, "everyone"); // shown to anyone, but not a candidate for my feed
    post(me, "mine");
    post(friend, "friend's");
    post(blocker, "blocker's");
    post(stranger, "stranger's");

    assertThat(feedOf(me)).extracting(StatusFeedGroup::getUserId).containsExactly(friend.toString());
  }

  @Test
  void someoneWithNoContactsGetsAnEmptyFeed() {
    UUID loner = service.fixtures.newUser();

    assertThat(feedOf(loner)).isEmpty();
  }
}
