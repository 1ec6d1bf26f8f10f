package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sign-in's series (issue 19) after real calls through the gRPC server, in dev mode. */
@WithPostgres
class AuthMetricsTest {

  @Test
  void codesTokensAndLimitRefusalsAreCountedByOutcome() {
    ServiceMetrics metrics = ServiceMetrics.create("auth");
    MeterRegistry registry = metrics.registry();
    // Three codes per number and window (the default), two wrong codes before a number is locked.
    try (AuthTestServer auth = AuthTestServer.startOn(PostgresExtension.newDatabase(), MutableClock.startingNow(),
        Map.of("AUTH_VERIFY_OTP_FAILURES_LIMIT", "2"), metrics)) {
      String phone = TestPhones.next();
      for (int i = 0; i < 3; i++) {
        sendOtp(auth, phone);
      }
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> sendOtp(auth, phone));
      assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> sendOtp(auth, "0532"));

      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(auth, phone, "654321"));
      VerifyOTPResponse login = verify(auth, phone, DevModeOtpVerifier.CODE);
      assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> verify(auth, phone, "12"));
      String locked = TestPhones.next();
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(auth, locked, "654321"));
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(auth, locked, "654321"));
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> verify(auth, locked, DevModeOtpVerifier.CODE));

      RefreshTokenResponse rotated = refresh(auth, login.getRefreshToken());
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(auth, login.getRefreshToken()));
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(auth, rotated.getRefreshToken()));
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(auth, "garbage"));

      assertThat(count(registry, "auth.otp.sent", "sent")).isEqualTo(3.0);
      assertThat(count(registry, "auth.otp.sent", "rate_limited")).isEqualTo(1.0);
      assertThat(count(registry, "auth.otp.sent", "invalid")).isEqualTo(1.0);
      assertThat(count(registry, "auth.otp.sent", "provider_error")).isZero();
      assertThat(count(registry, "auth.otp.verified", "ok")).isEqualTo(1.0);
      assertThat(count(registry, "auth.otp.verified", "wrong_code")).isEqualTo(3.0);
      assertThat(count(registry, "auth.otp.verified", "invalid")).isEqualTo(1.0);
      assertThat(count(registry, "auth.otp.verified", "rate_limited")).isEqualTo(1.0);
      assertThat(count(registry, "auth.tokens.refreshed", "ok")).isEqualTo(1.0);
      assertThat(count(registry, "auth.tokens.refreshed", "reused")).isEqualTo(1.0);
      // The replay ended the session: its newest token is refused as revoked.
      assertThat(count(registry, "auth.tokens.refreshed", "revoked")).isEqualTo(1.0);
      assertThat(count(registry, "auth.tokens.refreshed", "invalid")).isEqualTo(1.0);
      assertThat(refused(registry, "send_otp_phone")).isEqualTo(1.0);
      assertThat(refused(registry, "send_otp_ip")).isZero();
      assertThat(refused(registry, "verify_otp_failures")).isEqualTo(1.0);
      assertThat(metrics.scrape())
          .contains("auth_otp_sent_total{outcome=\"sent\",service=\"auth\"} 3.0")
          .contains("ratelimit_refused_total{limit=\"send_otp_phone\",service=\"auth\"} 1.0");
    }
  }

  private static void sendOtp(AuthTestServer auth, String phone) {
    auth.stub().sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
  }

  private static VerifyOTPResponse verify(AuthTestServer auth, String phone, String code) {
    return auth.stub().verifyOTP(VerifyOTPRequest.newBuilder().setPhoneNumber(phone).setOtpCode(code).build());
  }

  private static RefreshTokenResponse refresh(AuthTestServer auth, String token) {
    return auth.stub().refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(token).build());
  }

  private static double count(MeterRegistry registry, String name, String outcome) {
    return registry.get(name).tag("outcome", outcome).counter().count();
  }

  private static double refused(MeterRegistry registry, String limit) {
    return registry.get("ratelimit.refused").tag("limit", limit).counter().count();
  }
}
