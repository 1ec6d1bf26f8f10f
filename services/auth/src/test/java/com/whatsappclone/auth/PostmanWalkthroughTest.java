package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.RevokeResponse;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.SendOTPResponse;
import com.whatsappclone.proto.auth.ValidateTokenRequest;
import com.whatsappclone.proto.auth.ValidateTokenResponse;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/**
 * The seed README's Quickstart, step by step, as Postman does it: a plain gRPC client without
 * credentials against the service started by AuthApplication.start in dev mode.
 */
class PostmanWalkthroughTest extends AuthServerTest {

  @Test
  void quickstartWalkthroughWorksStepByStep() {
    String phone = TestPhones.next();

    // 5) SendOTP, then VerifyOTP with the dev-mode code and no device_id, exactly as the README shows.
    SendOTPResponse sent = auth.stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    assertThat(sent.getMessage()).isNotEmpty();
    VerifyOTPResponse login = auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").build());
    assertThat(login.getAccessToken()).isNotEmpty();
    assertThat(login.getRefreshToken()).isNotEmpty();
    assertThat(login.getUser().getPhoneNumber()).isEqualTo(phone);

    // 5a) ValidateToken and RefreshToken.
    ValidateTokenResponse valid = auth.stub().validateToken(
        ValidateTokenRequest.newBuilder().setAccessToken(login.getAccessToken()).build());
    assertThat(valid.getIsValid()).isTrue();
    assertThat(valid.getUserId()).isEqualTo(login.getUser().getId());
    ValidateTokenResponse invalid = auth.stub().validateToken(
        ValidateTokenRequest.newBuilder().setAccessToken("not-a-token").build());
    assertThat(invalid.getIsValid()).isFalse();

    RefreshTokenResponse refreshed = auth.stub().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(login.getRefreshToken()).build());
    assertThat(refreshed.getRefreshToken()).isNotEqualTo(login.getRefreshToken());
    assertThat(auth.stub().validateToken(ValidateTokenRequest.newBuilder()
        .setAccessToken(refreshed.getAccessToken()).build()).getIsValid()).isTrue();

    // 5b) RevokeCurrentDevice: afterwards the same refresh token can no longer be used.
    RevokeResponse revoked = auth.stub().revokeCurrentDevice(
        RevokeCurrentDeviceRequest.newBuilder().setRefreshToken(refreshed.getRefreshToken()).build());
    assertThat(revoked.getSuccess()).isTrue();
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(refreshed.getRefreshToken()).build()));

    // LogoutAllDevices: every refresh token of the user stops working.
    VerifyOTPResponse phoneLogin = auth.verify(phone, "phone");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");
    RevokeResponse loggedOut = auth.stub().logoutAllDevices(
        LogoutAllDevicesRequest.newBuilder().setAccessToken(laptopLogin.getAccessToken()).build());
    assertThat(loggedOut.getSuccess()).isTrue();
    for (VerifyOTPResponse session : new VerifyOTPResponse[] {phoneLogin, laptopLogin}) {
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().refreshToken(
          RefreshTokenRequest.newBuilder().setRefreshToken(session.getRefreshToken()).build()));
    }
  }
}
