package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.auth.Audience;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.auth.BlockUserRequest;
import com.whatsappclone.proto.auth.BlockedUser;
import com.whatsappclone.proto.auth.Contact;
import com.whatsappclone.proto.auth.ContactEntry;
import com.whatsappclone.proto.auth.Device;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.PushPlatform;
import com.whatsappclone.proto.auth.RegisterPushTokenRequest;
import com.whatsappclone.proto.auth.RemovePushTokenRequest;
import com.whatsappclone.proto.auth.GetUserProfilesRequest;
import com.whatsappclone.proto.auth.ListBlockedUsersRequest;
import com.whatsappclone.proto.auth.PublicProfile;
import com.whatsappclone.proto.auth.SyncContactsRequest;
import com.whatsappclone.proto.auth.SyncContactsResponse;
import com.whatsappclone.proto.auth.UnblockUserRequest;
import com.whatsappclone.proto.auth.UpdatePrivacySettingsRequest;
import com.whatsappclone.proto.auth.UpdateProfileRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's auth RPCs through the gateway, as the README's walk-through runs them: a contact sync
 * in the caller's own number format, blocking, and privacy settings that GetUserProfiles honours;
 * and issue 18's push registration of the caller's device session.
 */
@WithPostgres
@WithKafka
class ContactsThroughTheGatewayTest {

  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    system = RunningSystem.start(db, kafka.bootstrapServers());
    gateway = system.gatewayChannel();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  private static AuthServiceGrpc.AuthServiceBlockingStub as(VerifyOTPResponse login) {
    return GatewayCalls.auth(gateway).withCallCredentials(GatewayCalls.bearer(login.getAccessToken()));
  }

  /** "+905551234567" as a Turkish address book writes it: "0555 123 45 67". */
  private static String local(String e164) {
    String n = e164.substring(3);
    return "0" + n.substring(0, 3) + " " + n.substring(3, 6) + " " + n.substring(6, 8) + " " + n.substring(8);
  }

  @Test
  void contactSyncBlockingAndPrivacyWorkThroughTheGateway() {
    VerifyOTPResponse alice = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "laptop");
    VerifyOTPResponse bob = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "phone");
    String stranger = GatewayCalls.newPhoneNumber();
    as(bob).updateProfile(UpdateProfileRequest.newBuilder().setDisplayName("Bob").setAboutText("at work").build());

    SyncContactsResponse synced = as(alice).syncContacts(SyncContactsRequest.newBuilder()
        .addContacts(ContactEntry.newBuilder().setPhoneNumber(local(bob.getUser().getPhoneNumber())).setDisplayName("Bob"))
        .addContacts(ContactEntry.newBuilder().setPhoneNumber(stranger))
        .setLastPage(true).build());

    assertThat(synced.getContactsList()).extracting(Contact::getPhoneNumber)
        .containsExactly(bob.getUser().getPhoneNumber(), stranger);
    assertThat(synced.getContacts(0).getUser().getId()).isEqualTo(bob.getUser().getId());
    assertThat(synced.getContacts(0).getUser().getAboutText()).isEqualTo("at work");
    assertThat(synced.getContacts(1).hasUser()).as("not a user").isFalse();

    GetUserProfilesRequest bobsProfile = GetUserProfilesRequest.newBuilder().addUserIds(bob.getUser().getId()).build();
    as(bob).updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder().setAbout(Audience.AUDIENCE_NOBODY).build());
    List<PublicProfile> profiles = as(alice).getUserProfiles(bobsProfile).getProfilesList();
    assertThat(profiles).extracting(PublicProfile::getDisplayName).containsExactly("Bob");
    assertThat(profiles.get(0).getAboutText()).as("hidden by bob's setting").isEmpty();
    as(bob).updatePrivacySettings(UpdatePrivacySettingsRequest.newBuilder().setAbout(Audience.AUDIENCE_EVERYONE).build());
    assertThat(as(alice).getUserProfiles(bobsProfile).getProfiles(0).getAboutText()).isEqualTo("at work");

    as(bob).blockUser(BlockUserRequest.newBuilder().setUserId(alice.getUser().getId()).build());
    assertThat(as(bob).listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getBlockedList())
        .extracting(BlockedUser::getUser).extracting(PublicProfile::getId).containsExactly(alice.getUser().getId());
    assertThat(as(alice).getUserProfiles(bobsProfile).getProfiles(0).getAboutText()).as("a blocker shows nothing")
        .isEmpty();
    assertThat(as(alice).syncContacts(SyncContactsRequest.newBuilder()
        .addContacts(ContactEntry.newBuilder().setPhoneNumber(bob.getUser().getPhoneNumber())).setLastPage(true).build())
        .getContacts(0).hasUser()).as("nor is found by the one they blocked").isFalse();

    as(bob).unblockUser(UnblockUserRequest.newBuilder().setUserId(alice.getUser().getId()).build());
    assertThat(as(bob).listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getBlockedList()).isEmpty();
    assertThat(as(alice).getUserProfiles(bobsProfile).getProfiles(0).getAboutText()).isEqualTo("at work");
  }

  @Test
  void pushTokenRegistrationWorksThroughTheGateway() {
    String phone = GatewayCalls.newPhoneNumber();
    VerifyOTPResponse iphone = GatewayCalls.signIn(gateway, phone, "iPhone");
    VerifyOTPResponse laptop = GatewayCalls.signIn(gateway, phone, "laptop");
    String deviceToken = "ab".repeat(32);
    RegisterPushTokenRequest apns = RegisterPushTokenRequest.newBuilder().setPlatform(PushPlatform.PUSH_PLATFORM_APNS)
        .setToken(deviceToken).setApnsTopic("com.example.chat").build();

    assertThatThrownBy(() -> GatewayCalls.auth(gateway).registerPushToken(apns))
        .as("no token: refused at the edge")
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThatThrownBy(() -> as(iphone).registerPushToken(apns.toBuilder().setToken("not hex").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("token:");
          assertThat(ErrorDetails.reason(e)).isEqualTo("INVALID_PUSH_TOKEN");
        });

    Device registered = as(iphone).registerPushToken(apns).getDevice();

    assertThat(registered.getName()).isEqualTo("iPhone");
    assertThat(registered.getPush().getPlatform()).isEqualTo(PushPlatform.PUSH_PLATFORM_APNS);
    assertThat(registered.getPush().getApnsTopic()).isEqualTo("com.example.chat");
    List<Device> devices = as(laptop).listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList();
    assertThat(devices).filteredOn(Device::hasPush).extracting(Device::getName).containsExactly("iPhone");
    assertThat(devices.toString()).doesNotContain(deviceToken);

    assertThat(as(iphone).removePushToken(RemovePushTokenRequest.getDefaultInstance()).getRemoved()).isTrue();
    assertThat(as(laptop).listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList())
        .noneMatch(Device::hasPush);
  }
}
