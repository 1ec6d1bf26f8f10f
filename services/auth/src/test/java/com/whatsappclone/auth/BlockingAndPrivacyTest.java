package com.whatsappclone.auth;

import static com.whatsappclone.auth.ContactsTest.entry;
import static com.whatsappclone.auth.ContactsTest.reasonOf;
import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.proto.auth.Audience;
import com.whatsappclone.proto.auth.AuthServiceGrpc.AuthServiceBlockingStub;
import com.whatsappclone.proto.auth.BlockUserRequest;
import com.whatsappclone.proto.auth.BlockedUser;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.GetPrivacySettingsRequest;
import com.whatsappclone.proto.auth.GetUserProfilesRequest;
import com.whatsappclone.proto.auth.ListBlockedUsersRequest;
import com.whatsappclone.proto.auth.ListBlockedUsersResponse;
import com.whatsappclone.proto.auth.ListContactsRequest;
import com.whatsappclone.proto.auth.PrivacySettings;
import com.whatsappclone.proto.auth.PublicProfile;
import com.whatsappclone.proto.auth.SyncContactsRequest;
import com.whatsappclone.proto.auth.UnblockUserRequest;
import com.whatsappclone.proto.auth.UpdateContactsRequest;
import com.whatsappclone.proto.auth.UpdatePrivacySettingsRequest;
import com.whatsappclone.proto.auth.UpdateProfileRequest;
import com.whatsappclone.proto.auth.User;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import io.grpc.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** BlockUser, UnblockUser, ListBlockedUsers, the privacy settings and GetUserProfiles. */
class BlockingAndPrivacyTest extends AuthServerTest {

  /** A signed-in user with a stub that calls as them. */
  private record Person(VerifyOTPResponse login, AuthServiceBlockingStub stub) {
    String id() {
      return login.getUser().getId();
    }

    String phone() {
      return login.getUser().getPhoneNumber();
    }
  }

  private static Person newPerson() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    return new Person(login, auth.as(login.getAccessToken()));
  }

  /** A user with a display name, photo, about text and last seen. */
  private static Person newPersonWithProfile() throws Exception {
    Person person = newPerson();
    person.stub().updateProfile(UpdateProfileRequest.newBuilder().setDisplayName("Bob").setAboutText("at work")
        .setProfilePictureUrl("https://cdn.example.com/bob.jpg").build());
    try (Connection c = auth.connect();
        PreparedStatement s = c.prepareStatement("UPDATE users SET last_seen_at = ? WHERE id = ?")) {
      s.setObject(1, OffsetDateTime.ofInstant(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
      s.setObject(2, UUID.fromString(person.id()));
      s.executeUpdate();
    }
    return person;
  }

  /** Common's reader, as chat, realtime and status use it, on the test database. */
  private static PrivacyStore reader() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(auth.db.jdbcUrl());
    dataSource.setUser(auth.db.user());
    dataSource.setPassword(auth.db.password());
    return new PrivacyStore(dataSource);
  }

  private static BlockUserRequest block(Person who) {
    return BlockUserRequest.newBuilder().setUserId(who.id()).build();
  }

  private static PublicProfile profileOf(Person viewer, Person owner) {
    List<PublicProfile> profiles = viewer.stub().getUserProfiles(GetUserProfilesRequest.newBuilder()
        .addUserIds(owner.id()).build()).getProfilesList();
    assertThat(profiles).hasSize(1);
    return profiles.get(0);
  }

  private static void setAll(Person owner, Audience audience) {
    owner.stub().updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder().setLastSeen(audience)
        .setProfilePhoto(audience).setAbout(audience).build());
  }

  @Test
  void newRpcsNeedAnAccessToken() {
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().syncContacts(SyncContactsRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().updateContacts(UpdateContactsRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().listContacts(ListContactsRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().blockUser(BlockUserRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().unblockUser(UnblockUserRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().getPrivacySettings(GetPrivacySettingsRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().updatePrivacySettings(UpdatePrivacySettingsRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().getUserProfiles(GetUserProfilesRequest.getDefaultInstance()));
  }

  @Test
  void blockingIsIdempotentListedMostRecentFirstAndUndoneByUnblock() {
    Person alice = newPerson();
    Person bob = newPerson();
    Person carol = newPerson();
    alice.stub().blockUser(block(bob));
    Instant bobBlockedAt = clock.instant();
    clock.advance(Duration.ofMinutes(1));
    alice.stub().blockUser(block(carol));
    clock.advance(Duration.ofMinutes(1));
    alice.stub().blockUser(block(bob));

    List<BlockedUser> blocked = alice.stub().listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance())
        .getBlockedList();
    assertThat(blocked).extracting(b -> b.getUser().getId()).containsExactly(carol.id(), bob.id());
    assertThat(blocked.get(1).getBlockedAt()).as("blocking again keeps the first time")
        .isEqualTo(AuthGrpcService.rfc3339(bobBlockedAt));
    PrivacyStore reader = reader();
    assertThat(reader.between(UUID.fromString(alice.id()), UUID.fromString(bob.id())).viewerBlocked())
        .as("what the other services read").isTrue();

    alice.stub().unblockUser(UnblockUserRequest.newBuilder().setUserId(bob.id()).build());
    alice.stub().unblockUser(UnblockUserRequest.newBuilder().setUserId(bob.id()).build());

    assertThat(alice.stub().listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getBlockedList())
        .extracting(b -> b.getUser().getId()).containsExactly(carol.id());
    assertThat(reader.between(UUID.fromString(alice.id()), UUID.fromString(bob.id())).viewerBlocked()).isFalse();
  }

  @Test
  void listBlockedUsersPages() {
    Person alice = newPerson();
    List<Person> others = List.of(newPerson(), newPerson(), newPerson());
    for (Person other : others) {
      alice.stub().blockUser(block(other));
      clock.advance(Duration.ofSeconds(1));
    }

    ListBlockedUsersResponse first = alice.stub().listBlockedUsers(ListBlockedUsersRequest.newBuilder()
        .setPageSize(2).build());
    ListBlockedUsersResponse second = alice.stub().listBlockedUsers(ListBlockedUsersRequest.newBuilder()
        .setPageSize(2).setPageToken(first.getNextPageToken()).build());

    assertThat(first.getBlockedList()).extracting(b -> b.getUser().getId())
        .containsExactly(others.get(2).id(), others.get(1).id());
    assertThat(second.getBlockedList()).extracting(b -> b.getUser().getId()).containsExactly(others.get(0).id());
    assertThat(second.getNextPageToken()).isEmpty();
    assertThat(reasonOf(() -> alice.stub().listBlockedUsers(ListBlockedUsersRequest.newBuilder()
        .setPageToken(first.getNextPageToken() + "x").build()))).isEqualTo("INVALID_PAGE_TOKEN");
  }

  @Test
  void blockingYourselfAnUnknownOrMalformedIdIsRefused() {
    Person alice = newPerson();

    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.stub().blockUser(block(alice))))
        .startsWith("user_id");
    assertThat(reasonOf(() -> alice.stub().blockUser(block(alice)))).isEqualTo("CANNOT_BLOCK_SELF");
    assertFailsWith(Status.Code.NOT_FOUND, () -> alice.stub().blockUser(BlockUserRequest.newBuilder()
        .setUserId(UUID.randomUUID().toString()).build()));
    assertThat(reasonOf(() -> alice.stub().blockUser(BlockUserRequest.newBuilder()
        .setUserId(UUID.randomUUID().toString()).build()))).isEqualTo("USER_NOT_FOUND");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.stub().blockUser(BlockUserRequest.newBuilder()
        .setUserId("bob").build()))).startsWith("user_id");
    assertThat(alice.stub().listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getBlockedList()).isEmpty();
  }

  @Test
  void privacySettingsStartAtTheDefaultsAndOnlyThePresentFieldsChange() {
    Person alice = newPerson();
    PrivacySettings defaults = alice.stub().getPrivacySettings(GetPrivacySettingsRequest.getDefaultInstance())
        .getSettings();
    assertThat(defaults).isEqualTo(PrivacySettings.newBuilder().setLastSeen(Audience.AUDIENCE_EVERYONE)
        .setProfilePhoto(Audience.AUDIENCE_EVERYONE).setAbout(Audience.AUDIENCE_EVERYONE)
        .setStatuses(Audience.AUDIENCE_CONTACTS).setReadReceipts(true).build());

    PrivacySettings changed = alice.stub().updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder()
        .setLastSeen(Audience.AUDIENCE_NOBODY).setReadReceipts(false).build()).getSettings();
    PrivacySettings again = alice.stub().updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder()
        .setAbout(Audience.AUDIENCE_CONTACTS).build()).getSettings();

    assertThat(changed).isEqualTo(defaults.toBuilder().setLastSeen(Audience.AUDIENCE_NOBODY).setReadReceipts(false).build());
    assertThat(again).isEqualTo(changed.toBuilder().setAbout(Audience.AUDIENCE_CONTACTS).build());
    assertThat(alice.stub().getPrivacySettings(GetPrivacySettingsRequest.getDefaultInstance()).getSettings())
        .isEqualTo(again);
    assertThat(reader().readReceiptsOff(
        List.of(UUID.fromString(alice.id())))).as("what the other services read").hasSize(1);
  }

  @Test
  void anUnspecifiedOrUnknownAudienceIsRefusedNamingTheField() {
    Person alice = newPerson();

    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.stub().updatePrivacySettings(
        UpdatePrivacySettingsRequest.newBuilder().setLastSeen(Audience.AUDIENCE_NOBODY)
            .setAbout(Audience.AUDIENCE_UNSPECIFIED).build()))).startsWith("about");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.stub().updatePrivacySettings(
        UpdatePrivacySettingsRequest.newBuilder().setStatusesValue(9).build()))).startsWith("statuses");
    assertThat(reasonOf(() -> alice.stub().updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder()
        .setProfilePhotoValue(-1).build()))).isEqualTo("INVALID_AUDIENCE");
    assertThat(alice.stub().getPrivacySettings(GetPrivacySettingsRequest.getDefaultInstance()).getSettings()
        .getLastSeen()).as("a refused update changes nothing").isEqualTo(Audience.AUDIENCE_EVERYONE);
  }

  @Test
  void profilesShowEachFieldToTheAudienceItsOwnerChose() throws Exception {
    Person alice = newPerson();
    Person bob = newPersonWithProfile();

    PublicProfile everyone = profileOf(alice, bob);
    assertThat(everyone).isEqualTo(PublicProfile.newBuilder().setId(bob.id()).setDisplayName("Bob")
        .setProfilePictureUrl("https://cdn.example.com/bob.jpg").setAboutText("at work")
        .setLastSeenAt("2026-01-02T03:04:05Z").build());

    setAll(bob, Audience.AUDIENCE_CONTACTS);
    PublicProfile hidden = profileOf(alice, bob);
    assertThat(hidden).isEqualTo(PublicProfile.newBuilder().setId(bob.id()).setDisplayName("Bob").build());
    bob.stub().updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(alice.phone(), "Alice")).build());
    assertThat(profileOf(alice, bob)).as("alice is in bob's address book").isEqualTo(everyone);

    bob.stub().updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder().setAbout(Audience.AUDIENCE_NOBODY).build());
    assertThat(profileOf(alice, bob)).isEqualTo(everyone.toBuilder().setAboutText("").build());
    setAll(bob, Audience.AUDIENCE_NOBODY);
    assertThat(profileOf(alice, bob)).isEqualTo(hidden);
    assertThat(profileOf(bob, bob)).as("a user sees all of their own profile").isEqualTo(everyone);
  }

  @Test
  void aUserWhoBlockedTheCallerLooksLikeOneWhoShowsNothing() throws Exception {
    Person alice = newPerson();
    Person bob = newPersonWithProfile();
    bob.stub().updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(alice.phone(), "Alice")).build());

    bob.stub().blockUser(block(alice));

    PublicProfile blocked = profileOf(alice, bob);
    assertThat(blocked).isEqualTo(PublicProfile.newBuilder().setId(bob.id()).setDisplayName("Bob").build());
    assertThat(profileOf(newPerson(), bob).getProfilePictureUrl()).as("others still see it").isNotEmpty();
    User me = bob.stub().getMe(GetMeRequest.getDefaultInstance()).getUser();
    assertThat(me.getAboutText()).as("GetMe is unaffected").isEqualTo("at work");
    assertThat(me.getLastSeenAt()).isEqualTo("2026-01-02T03:04:05Z");
  }

  @Test
  void getUserProfilesKeepsRequestOrderOnceEachAndLeavesOutUnknownIds() {
    Person alice = newPerson();
    Person bob = newPerson();
    Person carol = newPerson();

    List<PublicProfile> profiles = alice.stub().getUserProfiles(GetUserProfilesRequest.newBuilder()
        .addUserIds(carol.id()).addUserIds(UUID.randomUUID().toString()).addUserIds(bob.id()).addUserIds(carol.id())
        .build()).getProfilesList();

    assertThat(profiles).extracting(PublicProfile::getId).containsExactly(carol.id(), bob.id());
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.stub().getUserProfiles(
        GetUserProfilesRequest.newBuilder().addUserIds(bob.id()).addUserIds("nope").build()))).startsWith("user_ids[1]");
    GetUserProfilesRequest.Builder tooMany = GetUserProfilesRequest.newBuilder();
    for (int i = 0; i < 257; i++) {
      tooMany.addUserIds(UUID.randomUUID().toString());
    }
    assertThat(reasonOf(() -> alice.stub().getUserProfiles(tooMany.build()))).isEqualTo("TOO_MANY_ENTRIES");
  }
}
