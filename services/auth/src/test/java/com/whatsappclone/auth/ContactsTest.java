package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.auth.AuthServiceGrpc.AuthServiceBlockingStub;
import com.whatsappclone.proto.auth.Audience;
import com.whatsappclone.proto.auth.BlockUserRequest;
import com.whatsappclone.proto.auth.Contact;
import com.whatsappclone.proto.auth.ContactEntry;
import com.whatsappclone.proto.auth.ListContactsRequest;
import com.whatsappclone.proto.auth.ListContactsResponse;
import com.whatsappclone.proto.auth.RejectedContact;
import com.whatsappclone.proto.auth.SyncContactsRequest;
import com.whatsappclone.proto.auth.SyncContactsResponse;
import com.whatsappclone.proto.auth.UnblockUserRequest;
import com.whatsappclone.proto.auth.UpdateContactsRequest;
import com.whatsappclone.proto.auth.UpdateContactsResponse;
import com.whatsappclone.proto.auth.UpdatePrivacySettingsRequest;
import com.whatsappclone.proto.auth.UpdateProfileRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SyncContacts, UpdateContacts and ListContacts: storing, replacing, linking and resolving address books. */
class ContactsTest extends AuthServerTest {

  /** A +90 532 number as a Turkish address book writes it: "0532 123 45 67". */
  static String local(String e164) {
    String national = e164.substring(3);
    return "0" + national.substring(0, 3) + " " + national.substring(3, 6) + " " + national.substring(6, 8) + " "
        + national.substring(8);
  }

  static ContactEntry entry(String number, String name) {
    return ContactEntry.newBuilder().setPhoneNumber(number).setDisplayName(name).build();
  }

  static SyncContactsResponse syncAll(AuthServiceBlockingStub client, ContactEntry... entries) {
    return client.syncContacts(SyncContactsRequest.newBuilder().addAllContacts(List.of(entries)).setLastPage(true).build());
  }

  static List<Contact> listAll(AuthServiceBlockingStub client) {
    List<Contact> all = new ArrayList<>();
    String token = "";
    do {
      ListContactsResponse page = client.listContacts(ListContactsRequest.newBuilder().setPageToken(token).build());
      all.addAll(page.getContactsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private static AuthServiceBlockingStub signedIn(VerifyOTPResponse login) {
    return auth.as(login.getAccessToken());
  }

  @Test
  void syncNormalisesNumbersInTheCallersCountryFindsUsersAndReportsBadEntries() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    VerifyOTPResponse bob = auth.verify(TestPhones.next(), "phone");
    String carol = TestPhones.next();

    SyncContactsResponse response = syncAll(alice, entry(local(bob.getUser().getPhoneNumber()), "Bob"),
        entry("+90 " + carol.substring(3, 6) + " " + carol.substring(6), "Carol"), entry("hello", "Nobody"),
        entry(TestPhones.next(), "bad\nname"));

    assertThat(response.getSyncToken()).as("a one-page sync is committed").isEmpty();
    assertThat(response.getContactsList()).extracting(Contact::getPhoneNumber)
        .containsExactly(bob.getUser().getPhoneNumber(), carol);
    assertThat(response.getContacts(0).getDisplayName()).isEqualTo("Bob");
    assertThat(response.getContacts(0).getUser().getId()).isEqualTo(bob.getUser().getId());
    assertThat(response.getContacts(1).hasUser()).as("carol has not signed up").isFalse();
    assertThat(response.getRejectedList()).extracting(RejectedContact::getField, RejectedContact::getReason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("contacts[2]", "INVALID_PHONE_NUMBER"),
            org.assertj.core.groups.Tuple.tuple("contacts[3]", "INVALID_TEXT"));
    assertThat(response.getRejected(0).getPhoneNumber()).isEqualTo("hello");
    assertThat(listAll(alice)).extracting(Contact::getPhoneNumber)
        .containsExactlyInAnyOrder(bob.getUser().getPhoneNumber(), carol);
  }

  @Test
  void aFullSyncInPagesReplacesTheAddressBookOnlyWhenItsLastPageCommits() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    String a = TestPhones.next();
    String b = TestPhones.next();
    String c = TestPhones.next();
    String d = TestPhones.next();
    syncAll(alice, entry(a, "A"), entry(b, "B"), entry(c, "C"));

    SyncContactsResponse first = alice.syncContacts(SyncContactsRequest.newBuilder().addContacts(entry(b, "B2")).build());
    assertThat(first.getSyncToken()).isNotEmpty();
    assertThat(listAll(alice)).as("nothing removed before the last page").extracting(Contact::getPhoneNumber)
        .containsExactlyInAnyOrder(a, b, c);
    SyncContactsResponse last = alice.syncContacts(SyncContactsRequest.newBuilder().setSyncToken(first.getSyncToken())
        .addContacts(entry(local(d), "")).setLastPage(true).build());

    assertThat(last.getRemovedCount()).isEqualTo(2);
    assertThat(last.getSyncToken()).isEmpty();
    List<Contact> book = listAll(alice);
    assertThat(book).extracting(Contact::getPhoneNumber).containsExactlyInAnyOrder(b, d);
    assertThat(book).filteredOn(x -> x.getPhoneNumber().equals(b)).extracting(Contact::getDisplayName)
        .containsExactly("B2");
  }

  @Test
  void anEmptyNameKeepsTheStoredOne() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    String a = TestPhones.next();
    syncAll(alice, entry(a, "Annie"));

    SyncContactsResponse again = syncAll(alice, entry(a, ""));

    assertThat(again.getContacts(0).getDisplayName()).isEqualTo("Annie");
  }

  @Test
  void aSyncTokenWorksOnlyForItsCallerUntilItCommitsOrExpires() {
    String alicePhone = TestPhones.next();
    AuthServiceBlockingStub alice = signedIn(auth.verify(alicePhone, "phone"));
    AuthServiceBlockingStub bob = signedIn(auth.verify(TestPhones.next(), "phone"));
    String token = alice.syncContacts(SyncContactsRequest.newBuilder().addContacts(entry(TestPhones.next(), ""))
        .build()).getSyncToken();

    assertThat(reasonOf(() -> bob.syncContacts(SyncContactsRequest.newBuilder().setSyncToken(token).build())))
        .isEqualTo("CONTACT_SYNC_EXPIRED");
    alice.syncContacts(SyncContactsRequest.newBuilder().setSyncToken(token).setLastPage(true).build());
    assertFailsWith(Status.Code.FAILED_PRECONDITION, () -> alice.syncContacts(SyncContactsRequest.newBuilder()
        .setSyncToken(token).build()));

    String late = alice.syncContacts(SyncContactsRequest.newBuilder().build()).getSyncToken();
    clock.advance(ContactsService.SYNC_TTL.plusSeconds(1));
    // A fresh sign-in: access tokens last 15 minutes of the test clock.
    AuthServiceBlockingStub aliceLater = signedIn(auth.verify(alicePhone, "phone"));
    assertThat(assertFailsWith(Status.Code.FAILED_PRECONDITION, () -> aliceLater.syncContacts(SyncContactsRequest
        .newBuilder().setSyncToken(late).setLastPage(true).build()))).startsWith("sync_token");
    assertThat(listAll(aliceLater)).as("an expired sync removes nothing").hasSize(1);

    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> aliceLater.syncContacts(SyncContactsRequest
        .newBuilder().setSyncToken("not-a-token").build()))).startsWith("sync_token");
  }

  @Test
  void aNewSyncReplacesAnUnfinishedOne() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    String old = alice.syncContacts(SyncContactsRequest.newBuilder().build()).getSyncToken();

    alice.syncContacts(SyncContactsRequest.newBuilder().build());

    assertThat(reasonOf(() -> alice.syncContacts(SyncContactsRequest.newBuilder().setSyncToken(old).build())))
        .isEqualTo("CONTACT_SYNC_EXPIRED");
  }

  @Test
  void updateContactsAddsAndRemovesNumbersInAnyFormat() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    String x = TestPhones.next();
    String y = TestPhones.next();

    UpdateContactsResponse added = alice.updateContacts(UpdateContactsRequest.newBuilder()
        .addAdd(entry(x, "X")).addAdd(entry(local(y), "Y")).build());
    assertThat(added.getAddedList()).extracting(Contact::getPhoneNumber).containsExactly(x, y);

    UpdateContactsResponse removed = alice.updateContacts(UpdateContactsRequest.newBuilder()
        .addRemove(local(x)).addRemove("+90 999").addRemove(TestPhones.next()).build());

    assertThat(removed.getRemovedCount()).isEqualTo(1);
    assertThat(removed.getRejectedList()).extracting(RejectedContact::getField).containsExactly("remove[1]");
    assertThat(listAll(alice)).extracting(Contact::getPhoneNumber).containsExactly(y);
  }

  @Test
  void aUserWhoSignsUpLaterAppearsInTheAddressBooksThatHadTheirNumber() throws Exception {
    VerifyOTPResponse aliceLogin = auth.verify(TestPhones.next(), "phone");
    AuthServiceBlockingStub alice = signedIn(aliceLogin);
    String carol = TestPhones.next();
    assertThat(syncAll(alice, entry(carol, "Carol")).getContacts(0).hasUser()).isFalse();

    VerifyOTPResponse carolLogin = auth.verify(carol, "phone");

    Contact contact = listAll(alice).get(0);
    assertThat(contact.getUser().getId()).isEqualTo(carolLogin.getUser().getId());
    try (Connection c = auth.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT contact_user_id FROM contacts WHERE user_id = ? AND contact_phone_number = ?")) {
      s.setObject(1, UUID.fromString(aliceLogin.getUser().getId()));
      s.setString(2, carol);
      try (ResultSet row = s.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getObject(1, UUID.class)).isEqualTo(UUID.fromString(carolLogin.getUser().getId()));
      }
    }
  }

  @Test
  void aUserWhoBlockedTheCallerLooksLikeAnUnregisteredNumber() {
    VerifyOTPResponse aliceLogin = auth.verify(TestPhones.next(), "phone");
    AuthServiceBlockingStub alice = signedIn(aliceLogin);
    AuthServiceBlockingStub dave = signedIn(auth.verify(TestPhones.next(), "phone"));
    VerifyOTPResponse bobLogin = auth.verify(TestPhones.next(), "phone");
    AuthServiceBlockingStub bob = signedIn(bobLogin);
    String bobNumber = bobLogin.getUser().getPhoneNumber();
    bob.blockUser(BlockUserRequest.newBuilder().setUserId(aliceLogin.getUser().getId()).build());

    Contact seenByAlice = syncAll(alice, entry(bobNumber, "Bob")).getContacts(0);
    assertThat(seenByAlice.hasUser()).isFalse();
    assertThat(seenByAlice).as("exactly what an unregistered number shows")
        .isEqualTo(Contact.newBuilder().setPhoneNumber(bobNumber).setDisplayName("Bob").build());
    assertThat(listAll(alice).get(0).hasUser()).isFalse();
    assertThat(syncAll(dave, entry(bobNumber, "Bob")).getContacts(0).hasUser()).as("others still find bob").isTrue();

    bob.unblockUser(UnblockUserRequest.newBuilder().setUserId(aliceLogin.getUser().getId()).build());
    assertThat(listAll(alice).get(0).getUser().getId()).isEqualTo(bobLogin.getUser().getId());
  }

  @Test
  void contactsShowPhotoAndAboutOnlyAsTheirOwnersSettingsAllow() {
    VerifyOTPResponse aliceLogin = auth.verify(TestPhones.next(), "phone");
    AuthServiceBlockingStub alice = signedIn(aliceLogin);
    VerifyOTPResponse bobLogin = auth.verify(TestPhones.next(), "phone");
    AuthServiceBlockingStub bob = signedIn(bobLogin);
    bob.updateProfile(UpdateProfileRequest.newBuilder().setDisplayName("Bob B.").setAboutText("busy")
        .setProfilePictureUrl("https://cdn.example.com/bob.jpg").build());
    bob.updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder()
        .setProfilePhoto(Audience.AUDIENCE_CONTACTS).setAbout(Audience.AUDIENCE_NOBODY).build());

    Contact notInBobsBook = syncAll(alice, entry(bobLogin.getUser().getPhoneNumber(), "")).getContacts(0);
    assertThat(notInBobsBook.getUser().getDisplayName()).isEqualTo("Bob B.");
    assertThat(notInBobsBook.getUser().getProfilePictureUrl()).isEmpty();
    assertThat(notInBobsBook.getUser().getAboutText()).isEmpty();

    syncAll(bob, entry(aliceLogin.getUser().getPhoneNumber(), "Alice"));
    Contact inBobsBook = listAll(alice).get(0);
    assertThat(inBobsBook.getUser().getProfilePictureUrl()).isEqualTo("https://cdn.example.com/bob.jpg");
    assertThat(inBobsBook.getUser().getAboutText()).isEmpty();
  }

  @Test
  void listContactsPagesByPhoneNumber() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      numbers.add(TestPhones.next());
    }
    syncAll(alice, numbers.stream().map(n -> entry(n, "")).toArray(ContactEntry[]::new));

    ListContactsResponse first = alice.listContacts(ListContactsRequest.newBuilder().setPageSize(2).build());
    ListContactsResponse second = alice.listContacts(ListContactsRequest.newBuilder().setPageSize(2)
        .setPageToken(first.getNextPageToken()).build());
    ListContactsResponse third = alice.listContacts(ListContactsRequest.newBuilder().setPageSize(2)
        .setPageToken(second.getNextPageToken()).build());

    List<String> listed = new ArrayList<>();
    List.of(first, second, third).forEach(p -> p.getContactsList().forEach(x -> listed.add(x.getPhoneNumber())));
    assertThat(listed).isEqualTo(numbers.stream().sorted().toList());
    assertThat(third.getNextPageToken()).isEmpty();
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.listContacts(ListContactsRequest.newBuilder()
        .setPageToken("garbage!").build()))).startsWith("page_token");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.listContacts(ListContactsRequest.newBuilder()
        .setPageSize(-1).build()))).startsWith("page_size");
  }

  @Test
  void morethanAThousandEntriesInOneCallAreRefused() {
    AuthServiceBlockingStub alice = signedIn(auth.verify(TestPhones.next(), "phone"));
    SyncContactsRequest.Builder big = SyncContactsRequest.newBuilder();
    UpdateContactsRequest.Builder mixed = UpdateContactsRequest.newBuilder();
    for (int i = 0; i < 1001; i++) {
      big.addContacts(entry("+90532" + (1_000_000 + i * 5_000), ""));
      if (i % 2 == 0) {
        mixed.addAdd(entry("+90532" + (1_000_000 + i * 5_000), ""));
      } else {
        mixed.addRemove("+90532" + (1_000_000 + i * 5_000));
      }
    }

    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.syncContacts(big.build()))).startsWith("contacts");
    assertThat(reasonOf(() -> alice.updateContacts(mixed.build()))).isEqualTo("TOO_MANY_ENTRIES");
    assertThat(listAll(alice)).isEmpty();
  }

  static String reasonOf(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).as("the call should fail").isNotNull();
    return ErrorDetails.reason(failure);
  }
}
