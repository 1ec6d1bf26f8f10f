package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {

  private static final Map<String, String> BASE = Map.of(
      "DATABASE_URL", "postgres://user:password@127.0.0.1:1/none",
      "JWT_SECRET", AuthTestServer.JWT_SECRET,
      "AUTH_SERVICE_GRPC_PORT", "0");

  @Test
  void withoutDevModeAndTwilioTheServiceRefusesToStartSayingWhatToSet() {
    assertThatThrownBy(() -> AuthApplication.start(Settings.of(BASE), Clock.systemUTC()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("TWILIO_ACCOUNT_SID")
        .hasMessageContaining("TWILIO_AUTH_TOKEN")
        .hasMessageContaining("TWILIO_VERIFY_SERVICE_SID")
        .hasMessageContaining("AUTH_DEV_MODE=true");
  }

  @Test
  void aMissingTwilioSettingIsNamed() {
    Settings settings = Settings.of(Map.of("TWILIO_ACCOUNT_SID", "AC1", "TWILIO_VERIFY_SERVICE_SID", "VA1"));

    AuthSettings.from(settings);

    assertThat(settings.problems()).singleElement().asString().startsWith("TWILIO_AUTH_TOKEN is not set");
  }

  @Test
  void devModeNeedsNoTwilio() {
    for (String on : new String[] {"true", "1"}) {
      Settings settings = Settings.of(Map.of("AUTH_DEV_MODE", on));
      AuthSettings auth = AuthSettings.from(settings);
      assertThat(auth.devMode()).isTrue();
      assertThat(auth.twilio()).isEmpty();
      assertThat(settings.problems()).isEmpty();
    }
  }

  @Test
  void defaultsAreTheIssuesLimits() {
    Settings settings = Settings.of(Map.of("AUTH_DEV_MODE", "true"));
    AuthSettings auth = AuthSettings.from(settings);

    assertThat(auth.sendOtpPerPhone()).isEqualTo(new RateLimit("send_otp_phone", 3, Duration.ofMinutes(10)));
    assertThat(auth.sendOtpPerIp()).isEqualTo(new RateLimit("send_otp_ip", 20, Duration.ofHours(1)));
    assertThat(auth.failedVerifyPerPhone()).isEqualTo(new RateLimit("verify_otp_failures", 5, Duration.ofMinutes(10)));
    assertThat(auth.maxSessionsPerUser()).isEqualTo(10);
  }

  @Test
  void badValuesAreReportedByName() {
    Settings settings = Settings.of(Map.of(
        "AUTH_DEV_MODE", "true",
        "AUTH_SEND_OTP_PHONE_LIMIT", "0",
        "AUTH_VERIFY_OTP_FAILURES_PERIOD", "0s",
        "AUTH_MAX_SESSIONS_PER_USER", "lots"));

    AuthSettings.from(settings);

    assertThat(String.join("\n", settings.problems()))
        .contains("AUTH_SEND_OTP_PHONE_LIMIT")
        .contains("AUTH_VERIFY_OTP_FAILURES_PERIOD")
        .contains("AUTH_MAX_SESSIONS_PER_USER");
  }

  @Test
  void twilioBaseUrlMustBeHttp() {
    Settings settings = Settings.of(Map.of(
        "TWILIO_ACCOUNT_SID", "AC1", "TWILIO_AUTH_TOKEN", "t", "TWILIO_VERIFY_SERVICE_SID", "VA1",
        "TWILIO_API_BASE_URL", "verify.example.com"));

    AuthSettings.from(settings);

    assertThat(settings.problems()).singleElement().asString().contains("TWILIO_API_BASE_URL");
  }

  @Test
  void twilioSettingsNeverPrintTheAuthToken() {
    Settings settings = Settings.of(Map.of(
        "TWILIO_ACCOUNT_SID", "AC1", "TWILIO_AUTH_TOKEN", "super-secret-token", "TWILIO_VERIFY_SERVICE_SID", "VA1"));

    assertThat(AuthSettings.from(settings).toString()).doesNotContain("super-secret-token");
  }
}
