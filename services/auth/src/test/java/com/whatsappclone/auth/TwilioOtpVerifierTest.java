package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real twilio-java path (requests, JSON, errors) against a local server speaking Twilio Verify. */
class TwilioOtpVerifierTest {

  private static FakeTwilio twilio;
  private static TwilioOtpVerifier verifier;

  @BeforeAll
  static void start() throws IOException {
    twilio = new FakeTwilio();
    verifier = TwilioOtpVerifier.create(settings(twilio.baseUrl()));
  }

  @AfterAll
  static void stop() {
    twilio.close();
  }

  private static TwilioSettings settings(String baseUrl) {
    return new TwilioSettings(FakeTwilio.ACCOUNT_SID, FakeTwilio.AUTH_TOKEN, FakeTwilio.SERVICE_SID,
        Optional.of(URI.create(baseUrl)), Duration.ofSeconds(5));
  }

  @Test
  void sendCreatesAnSmsVerificationWithTwiliosFormFieldsAndCredentials() {
    String phone = TestPhones.next();

    verifier.send(phone);

    List<FakeTwilio.Received> requests = twilio.receivedFor(phone);
    assertThat(requests).hasSize(1);
    FakeTwilio.Received request = requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v2/Services/" + FakeTwilio.SERVICE_SID + "/Verifications");
    assertThat(request.form()).containsEntry("To", phone).containsEntry("Channel", "sms");
    assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(request.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
        (FakeTwilio.ACCOUNT_SID + ":" + FakeTwilio.AUTH_TOKEN).getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void checkPassesOnlyWhenTwilioApprovesTheCode() {
    String phone = TestPhones.next();
    verifier.send(phone);

    assertThat(verifier.check(phone, "000000")).isFalse();
    assertThat(verifier.check(phone, FakeTwilio.CODE)).isTrue();

    FakeTwilio.Received check = twilio.receivedFor(phone).get(2);
    assertThat(check.path()).isEqualTo("/v2/Services/" + FakeTwilio.SERVICE_SID + "/VerificationCheck");
    assertThat(check.form()).containsEntry("To", phone).containsEntry("Code", FakeTwilio.CODE);
  }

  @Test
  void checkOfAnExpiredOrFinishedVerificationIsARefusedCode() {
    String phone = TestPhones.next();
    verifier.send(phone);
    twilio.expire(phone);

    // Twilio answers 404 when no verification is pending.
    assertThat(verifier.check(phone, FakeTwilio.CODE)).isFalse();

    verifier.send(phone);
    assertThat(verifier.check(phone, FakeTwilio.CODE)).isTrue();
    assertThat(verifier.check(phone, FakeTwilio.CODE)).as("an approved verification is finished").isFalse();
  }

  @Test
  void twiliosRateLimitIsResourceExhausted() {
    String phone = TestPhones.next();
    twilio.mode(phone, FakeTwilio.Mode.RATE_LIMITED);

    assertThatThrownBy(() -> verifier.send(phone)).isInstanceOf(ResourceExhaustedException.class);
    assertThatThrownBy(() -> verifier.check(phone, FakeTwilio.CODE)).isInstanceOf(ResourceExhaustedException.class);
  }

  @Test
  void twiliosServerErrorIsUnavailable() {
    String phone = TestPhones.next();
    twilio.mode(phone, FakeTwilio.Mode.SERVER_ERROR);

    assertThatThrownBy(() -> verifier.send(phone)).isInstanceOf(UnavailableException.class)
        .hasMessageNotContaining(phone);
    assertThatThrownBy(() -> verifier.check(phone, FakeTwilio.CODE)).isInstanceOf(UnavailableException.class);
  }

  @Test
  void unreachableTwilioIsUnavailable() throws IOException {
    TwilioOtpVerifier nowhere = TwilioOtpVerifier.create(settings(FakeTwilio.unreachableUrl()));
    String phone = TestPhones.next();

    assertThatThrownBy(() -> nowhere.send(phone)).isInstanceOf(UnavailableException.class);
    assertThatThrownBy(() -> nowhere.check(phone, FakeTwilio.CODE)).isInstanceOf(UnavailableException.class);
  }

  @Test
  void rejectedCredentialsMakeVerificationUnavailable() {
    TwilioOtpVerifier badCredentials = TwilioOtpVerifier.create(new TwilioSettings(FakeTwilio.ACCOUNT_SID,
        "wrong-token", FakeTwilio.SERVICE_SID, Optional.of(URI.create(twilio.baseUrl())), Duration.ofSeconds(5)));

    assertThatThrownBy(() -> badCredentials.send(TestPhones.next())).isInstanceOf(UnavailableException.class);
  }

  @Test
  void numberTwilioCannotTextIsAnInvalidPhoneNumber() {
    String phone = TestPhones.next();
    twilio.mode(phone, FakeTwilio.Mode.UNDELIVERABLE);

    assertThatThrownBy(() -> verifier.send(phone)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("phone_number:");
  }
}
