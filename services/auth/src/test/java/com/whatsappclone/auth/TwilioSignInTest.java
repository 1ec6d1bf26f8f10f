package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service with dev mode off, its Twilio settings pointing at a local Twilio Verify double. */
@WithPostgres
class TwilioSignInTest {

  private static FakeTwilio twilio;
  private static AuthTestServer auth;

  @BeforeAll
  static void start() throws IOException {
    twilio = new FakeTwilio();
    Map<String, String> settings = new HashMap<>(twilio.settings());
    settings.put("AUTH_SEND_OTP_IP_LIMIT", "100000");
    auth = AuthTestServer.start(MutableClock.startingNow(), settings);
  }

  @AfterAll
  static void stop() {
    auth.close();
    twilio.close();
  }

  @Test
  void smsCodeApprovedByTwilioSignsIn() {
    String phone = TestPhones.next();

    auth.stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    VerifyOTPResponse login = verify(phone, FakeTwilio.CODE);

    assertThat(login.getUser().getPhoneNumber()).isEqualTo(phone);
    assertThat(login.getAccessToken()).isNotEmpty();
    assertThat(twilio.receivedFor(phone)).extracting(FakeTwilio.Received::path).containsExactly(
        "/v2/Services/" + FakeTwilio.SERVICE_SID + "/Verifications",
        "/v2/Services/" + FakeTwilio.SERVICE_SID + "/VerificationCheck");
  }

  @Test
  void devModeCodeIsRefusedWhenTwilioIsOn() {
    String phone = TestPhones.next();
    auth.stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(phone, DevModeOtpVerifier.CODE));
    assertThat(verify(phone, FakeTwilio.CODE).getAccessToken()).isNotEmpty();
  }

  @Test
  void expiredVerificationIsUnauthenticated() {
    String phone = TestPhones.next();
    auth.stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    twilio.expire(phone);

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(phone, FakeTwilio.CODE));
  }

  @Test
  void twilioServerErrorIsUnavailable() {
    String phone = TestPhones.next();
    twilio.mode(phone, FakeTwilio.Mode.SERVER_ERROR);

    assertFailsWith(Status.Code.UNAVAILABLE, () -> auth.stub().sendOTP(
        SendOTPRequest.newBuilder().setPhoneNumber(phone).build()));
    assertFailsWith(Status.Code.UNAVAILABLE, () -> verify(phone, FakeTwilio.CODE));
  }

  @Test
  void twilioRateLimitIsResourceExhausted() {
    String phone = TestPhones.next();
    twilio.mode(phone, FakeTwilio.Mode.RATE_LIMITED);

    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> auth.stub().sendOTP(
        SendOTPRequest.newBuilder().setPhoneNumber(phone).build()));
    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> verify(phone, FakeTwilio.CODE));
  }

  @Test
  void twilioOutagesDoNotCountAsWrongCodes() {
    String phone = TestPhones.next();
    twilio.mode(phone, FakeTwilio.Mode.SERVER_ERROR);
    for (int i = 0; i < 6; i++) {
      assertFailsWith(Status.Code.UNAVAILABLE, () -> verify(phone, FakeTwilio.CODE));
    }
    twilio.mode(phone, FakeTwilio.Mode.NORMAL);

    auth.stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    assertThat(verify(phone, FakeTwilio.CODE).getAccessToken()).isNotEmpty();
  }

  private static VerifyOTPResponse verify(String phone, String code) {
    return auth.stub().verifyOTP(VerifyOTPRequest.newBuilder().setPhoneNumber(phone).setOtpCode(code)
        .setDeviceId("phone").build());
  }
}
