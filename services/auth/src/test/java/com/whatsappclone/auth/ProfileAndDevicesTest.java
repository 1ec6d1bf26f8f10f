package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.auth.Device;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RevokeDeviceRequest;
import com.whatsappclone.proto.auth.UpdateProfileRequest;
import com.whatsappclone.proto.auth.User;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GetMe, UpdateProfile, ListDevices and RevokeDevice: the RPCs added to AuthService. */
class ProfileAndDevicesTest extends AuthServerTest {

  @Test
  void addedRpcsNeedAnAccessToken() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().getMe(GetMeRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().listDevices(ListDevicesRequest.getDefaultInstance()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().updateProfile(
        UpdateProfileRequest.newBuilder().setDisplayName("x").build()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().revokeDevice(
        RevokeDeviceRequest.newBuilder().setId(UUID.randomUUID().toString()).build()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.as(login.getRefreshToken())
        .getMe(GetMeRequest.getDefaultInstance()));
  }

  @Test
  void getMeReturnsTheCaller() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");

    User me = auth.as(login.getAccessToken()).getMe(GetMeRequest.getDefaultInstance()).getUser();

    assertThat(me).isEqualTo(login.getUser());
    assertThat(me.getDisplayName()).isEmpty();
    assertThat(me.getLastSeenAt()).isEmpty();
  }

  @Test
  void updateProfileChangesOnlyTheFieldsPresentAndEmptyClears() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    clock.advance(Duration.ofMinutes(1));

    User updated = auth.as(login.getAccessToken()).updateProfile(UpdateProfileRequest.newBuilder()
        .setDisplayName("Ayşe").setAboutText("Hey there!\nI am using WhatsApp.")
        .setProfilePictureUrl("https://cdn.example.com/u/1.jpg").build()).getUser();

    assertThat(updated.getDisplayName()).isEqualTo("Ayşe");
    assertThat(updated.getAboutText()).isEqualTo("Hey there!\nI am using WhatsApp.");
    assertThat(updated.getProfilePictureUrl()).isEqualTo("https://cdn.example.com/u/1.jpg");
    assertThat(updated.getUpdatedAt()).isEqualTo(AuthGrpcService.rfc3339(clock.instant()));
    assertThat(updated.getCreatedAt()).isEqualTo(login.getUser().getCreatedAt());

    User cleared = auth.as(login.getAccessToken()).updateProfile(UpdateProfileRequest.newBuilder()
        .setAboutText("").build()).getUser();

    assertThat(cleared.getAboutText()).isEmpty();
    assertThat(cleared.getDisplayName()).isEqualTo("Ayşe");
    assertThat(cleared.getProfilePictureUrl()).isEqualTo("https://cdn.example.com/u/1.jpg");
    assertThat(auth.as(login.getAccessToken()).getMe(GetMeRequest.getDefaultInstance()).getUser()).isEqualTo(cleared);
  }

  @Test
  void updateProfileRejectsOversizeTextAndNonHttpUrls() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    var me = auth.as(login.getAccessToken());

    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> me.updateProfile(UpdateProfileRequest.newBuilder()
        .setDisplayName("n".repeat(101)).build()))).startsWith("display_name");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> me.updateProfile(UpdateProfileRequest.newBuilder()
        .setAboutText("a".repeat(251)).build()))).startsWith("about_text");
    for (String url : List.of("ftp://example.com/a.jpg", "javascript:alert(1)", "not a url", "https://", "/relative.jpg")) {
      assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> me.updateProfile(UpdateProfileRequest.newBuilder()
          .setProfilePictureUrl(url).build()))).startsWith("profile_picture_url");
    }
    // At the limits, it is accepted; nothing of the refused requests was stored.
    User updated = me.updateProfile(UpdateProfileRequest.newBuilder()
        .setDisplayName("n".repeat(100)).setAboutText("a".repeat(250)).build()).getUser();
    assertThat(updated.getDisplayName()).hasSize(100);
    assertThat(updated.getProfilePictureUrl()).isEmpty();
  }

  @Test
  void listDevicesShowsActiveSessionsAndWhichIsTheCallers() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "Pixel 8");
    clock.advance(Duration.ofSeconds(1));
    VerifyOTPResponse laptopLogin = auth.stub().verifyOTP(com.whatsappclone.proto.auth.VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId("MacBook").setDeviceType("desktop").build());

    List<Device> devices = auth.as(phoneLogin.getAccessToken()).listDevices(ListDevicesRequest.getDefaultInstance())
        .getDevicesList();

    assertThat(devices).extracting(Device::getName).containsExactly("MacBook", "Pixel 8");
    assertThat(devices).extracting(Device::getType).containsExactly("desktop", "mobile");
    assertThat(devices).extracting(Device::getIsCurrent).containsExactly(false, true);
    assertThat(devices.get(0).getLastLoginAt()).isEqualTo(AuthGrpcService.rfc3339(clock.instant()));

    // After a rotation the new access token identifies the same session.
    clock.advance(Duration.ofSeconds(1));
    RefreshTokenResponse rotated = auth.stub().refreshToken(RefreshTokenRequest.newBuilder()
        .setRefreshToken(phoneLogin.getRefreshToken()).build());
    List<Device> afterRotation = auth.as(rotated.getAccessToken()).listDevices(ListDevicesRequest.getDefaultInstance())
        .getDevicesList();
    assertThat(afterRotation).extracting(Device::getName).containsExactly("Pixel 8", "MacBook");
    assertThat(afterRotation).extracting(Device::getIsCurrent).containsExactly(true, false);
    assertThat(afterRotation.get(0).getLastUsedAt()).isEqualTo(AuthGrpcService.rfc3339(clock.instant()));
    assertThat(afterRotation.get(0).getId()).isEqualTo(devices.get(1).getId());
    assertThat(laptopLogin.getAccessToken()).isNotEmpty();
  }

  @Test
  void revokeDeviceEndsThatSessionOnly() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "phone");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");
    var me = auth.as(phoneLogin.getAccessToken());
    String laptopId = me.listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList().stream()
        .filter(d -> d.getName().equals("laptop")).findFirst().orElseThrow().getId();

    assertThat(me.revokeDevice(RevokeDeviceRequest.newBuilder().setId(laptopId).build()).getSuccess()).isTrue();

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(laptopLogin.getRefreshToken()).build()));
    assertThat(me.listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList())
        .extracting(Device::getName).containsExactly("phone");
    assertFailsWith(Status.Code.NOT_FOUND, () -> me.revokeDevice(RevokeDeviceRequest.newBuilder().setId(laptopId).build()));
  }

  @Test
  void revokeDeviceOfSomeoneElseIsNotFoundAndBadIdsAreInvalid() {
    VerifyOTPResponse mine = auth.verify(TestPhones.next(), "phone");
    VerifyOTPResponse theirs = auth.verify(TestPhones.next(), "phone");
    String theirDevice = auth.as(theirs.getAccessToken()).listDevices(ListDevicesRequest.getDefaultInstance())
        .getDevices(0).getId();
    var me = auth.as(mine.getAccessToken());

    assertFailsWith(Status.Code.NOT_FOUND, () -> me.revokeDevice(RevokeDeviceRequest.newBuilder().setId(theirDevice).build()));
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> me.revokeDevice(
        RevokeDeviceRequest.newBuilder().setId("not-a-uuid").build()))).startsWith("id");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> me.revokeDevice(
        RevokeDeviceRequest.getDefaultInstance()))).startsWith("id");
    assertThat(auth.stub().refreshToken(RefreshTokenRequest.newBuilder()
        .setRefreshToken(theirs.getRefreshToken()).build()).getAccessToken()).isNotEmpty();
  }
}
