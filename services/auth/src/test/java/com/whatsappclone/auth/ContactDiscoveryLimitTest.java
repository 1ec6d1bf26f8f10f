package com.whatsappclone.auth;

import static com.whatsappclone.auth.ContactsTest.entry;
import static com.whatsappclone.auth.ContactsTest.listAll;
import static com.whatsappclone.auth.ContactsTest.reasonOf;
import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.proto.auth.AuthServiceGrpc.AuthServiceBlockingStub;
import com.whatsappclone.proto.auth.Contact;
import com.whatsappclone.proto.auth.SyncContactsRequest;
import com.whatsappclone.proto.auth.UpdateContactsRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contact discovery's limits with a small allowance (5 new numbers a day) on a clock that only the
 * test moves: new numbers cost one each, stored ones nothing, the state is in PostgreSQL, and a
 * sweep of a range is refused whatever the allowance.
 */
@WithPostgres
class ContactDiscoveryLimitTest {

  private static final Map<String, String> SETTINGS = Map.of("AUTH_CONTACT_DISCOVERY_LIMIT", "5");
  private static MutableClock clock;
  private static AuthTestServer auth;

  @BeforeAll
  static void start() {
    clock = MutableClock.startingNow();
    auth = AuthTestServer.start(clock, SETTINGS);
  }

  @AfterAll
  static void stop() {
    auth.close();
  }

  /** A number far from every other one the tests make, so that no page looks like a sweep. */
  private static String scattered() {
    return "+90542" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
  }

  private static AuthServiceBlockingStub newUser() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    return auth.as(login.getAccessToken());
  }

  @Test
  void newNumbersUseTheDailyAllowanceAndNumbersAlreadyStoredAreFree() {
    String alicePhone = TestPhones.next();
    AuthServiceBlockingStub alice = auth.as(auth.verify(alicePhone, "phone").getAccessToken());
    List<String> numbers = List.of(scattered(), scattered(), scattered(), scattered(), scattered());
    alice.syncContacts(SyncContactsRequest.newBuilder().addContacts(entry(numbers.get(0), ""))
        .addContacts(entry(numbers.get(1), "")).addContacts(entry(numbers.get(2), "")).setLastPage(true).build());
    alice.updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(numbers.get(3), ""))
        .addAdd(entry(numbers.get(4), "")).addAdd(entry(numbers.get(0), "again")).build());
    clock.advance(Duration.ofHours(1));
    // A fresh sign-in: access tokens last 15 minutes of the test clock.
    alice = auth.as(auth.verify(alicePhone, "phone").getAccessToken());

    SyncContactsRequest.Builder resync = SyncContactsRequest.newBuilder().setLastPage(true);
    numbers.forEach(n -> resync.addContacts(entry(n, "")));
    assertThat(alice.syncContacts(resync.build()).getContactsCount()).as("a re-sync of stored numbers").isEqualTo(5);

    String extra = scattered();
    AuthServiceBlockingStub aliceNow = alice;
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () ->
        aliceNow.updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(extra, "")).build()));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(reasonOf(() -> aliceNow.updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(extra, "")).build())))
        .isEqualTo("CONTACT_DISCOVERY_LIMITED");
    assertThat(RetryDelay.of(refused)).as("until the day's window ends").contains(Duration.ofHours(23));
    assertThat(listAll(alice)).extracting(Contact::getPhoneNumber).doesNotContain(extra);
    assertThat(newUser().updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(extra, "")).build())
        .getAddedCount()).as("the allowance is per user").isEqualTo(1);

    clock.advance(Duration.ofHours(23));
    alice = auth.as(auth.verify(alicePhone, "phone").getAccessToken());
    assertThat(alice.updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(extra, "")).build())
        .getAddedCount()).isEqualTo(1);
  }

  @Test
  void aPageWithMoreNewNumbersThanAreLeftIsRefusedWhole() {
    AuthServiceBlockingStub alice = newUser();
    alice.updateContacts(UpdateContactsRequest.newBuilder().addAdd(entry(scattered(), ""))
        .addAdd(entry(scattered(), "")).build());
    UpdateContactsRequest.Builder four = UpdateContactsRequest.newBuilder();
    for (int i = 0; i < 4; i++) {
      four.addAdd(entry(scattered(), ""));
    }

    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> alice.updateContacts(four.build()));

    assertThat(listAll(alice)).hasSize(2);
    UpdateContactsRequest.Builder three = UpdateContactsRequest.newBuilder();
    for (int i = 0; i < 3; i++) {
      three.addAdd(entry(scattered(), ""));
    }
    assertThat(alice.updateContacts(three.build()).getAddedCount()).isEqualTo(3);
  }

  @Test
  void theUsedAllowanceHoldsAcrossInstances() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    UpdateContactsRequest.Builder five = UpdateContactsRequest.newBuilder();
    for (int i = 0; i < 5; i++) {
      five.addAdd(entry(scattered(), ""));
    }
    auth.as(login.getAccessToken()).updateContacts(five.build());

    try (AuthTestServer other = AuthTestServer.startOn(auth.db, clock, SETTINGS)) {
      assertThat(reasonOf(() -> other.as(login.getAccessToken()).updateContacts(UpdateContactsRequest.newBuilder()
          .addAdd(entry(scattered(), "")).build()))).isEqualTo("CONTACT_DISCOVERY_LIMITED");
    }
  }

  @Test
  void aSweepOfANumberRangeIsRefusedAndCostsNothing() {
    AuthServiceBlockingStub alice = newUser();
    int start = ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000);
    SyncContactsRequest.Builder sweep = SyncContactsRequest.newBuilder().setLastPage(true);
    List<String> run = new ArrayList<>();
    for (int i = 0; i < ContactNumbers.SWEEP_MIN_NUMBERS; i++) {
      run.add("+90543" + (start + i));
      sweep.addContacts(entry(run.get(i), ""));
    }

    String message = assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> alice.syncContacts(sweep.build()));

    assertThat(message).startsWith("contacts");
    assertThat(reasonOf(() -> alice.syncContacts(sweep.build()))).isEqualTo("CONTACT_SWEEP_REFUSED");
    assertThat(listAll(alice)).isEmpty();
    UpdateContactsRequest.Builder five = UpdateContactsRequest.newBuilder();
    for (int i = 0; i < 5; i++) {
      five.addAdd(entry(scattered(), ""));
    }
    assertThat(alice.updateContacts(five.build()).getAddedCount()).as("the allowance is untouched").isEqualTo(5);
  }
}
