package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.ValidateTokenRequest;
import com.whatsappclone.proto.auth.ValidateTokenResponse;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** VerifyOTP, tokens, rotation, reuse detection, revocation and the session cap, in dev mode. */
@WithPostgres
class SignInAndSessionsTest {

  private static MutableClock clock;
  private static AuthTestServer auth;

  @BeforeAll
  static void start() {
    clock = MutableClock.startingNow();
    // Generous limits: this class is about sessions, RateLimitTest about limits. (Concurrent
    // VerifyOTPs of one number each hold one failed-attempt allowance while in flight.)
    auth = AuthTestServer.start(clock, Map.of("AUTH_SEND_OTP_IP_LIMIT", "100000",
        "AUTH_VERIFY_OTP_FAILURES_LIMIT", "1000"));
  }

  @AfterAll
  static void stop() {
    auth.close();
  }

  // --- VerifyOTP ---

  @Test
  void wrongCodeInDevModeIsRejectedAndCreatesNoUser() throws SQLException {
    String phone = TestPhones.next();

    String message = assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().verifyOTP(
        VerifyOTPRequest.newBuilder().setPhoneNumber(phone).setOtpCode("654321").build()));

    assertThat(message).contains("otp_code");
    assertThat(count("SELECT count(*) FROM users WHERE phone_number = ?", phone)).isZero();
  }

  @Test
  void aFirstSignInWhoseSessionCannotBeRecordedLeavesNoUserAndGivesTheAttemptBack() throws SQLException {
    // A trigger of this test's database refuses the session row, as a constraint or a full disk would.
    String refusedDevice = "refused-" + UUID.randomUUID();
    try (Connection c = auth.connect(); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE OR REPLACE FUNCTION refuse_test_device() RETURNS trigger LANGUAGE plpgsql AS $$"
          + " BEGIN IF NEW.device_name LIKE 'refused-%' THEN RAISE EXCEPTION 'refused by the test'; END IF;"
          + " RETURN NEW; END $$");
      s.execute("CREATE OR REPLACE TRIGGER refuse_test_device BEFORE INSERT ON user_devices"
          + " FOR EACH ROW EXECUTE FUNCTION refuse_test_device()");
    }
    String phone = TestPhones.next();

    assertFailsWith(Status.Code.INTERNAL, () -> auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId(refusedDevice).build()));

    assertThat(count("SELECT count(*) FROM users WHERE phone_number = ?", phone)).isZero();
    assertThat(count("SELECT min(remaining) FROM auth_rate_limits WHERE bucket_key = ?", phone)).isEqualTo(1000);
    VerifyOTPResponse login = auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId("Pixel 8").build());
    assertThat(login.getUser().getPhoneNumber()).isEqualTo(phone);
    assertThat(count("SELECT count(*) FROM users WHERE phone_number = ?", phone)).isEqualTo(1);
  }

  @Test
  void rightCodeCreatesTheUserAndADeviceRowHoldingOnlyTheTokensHash() throws SQLException {
    String phone = TestPhones.next();

    VerifyOTPResponse login = auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId("Pixel 8").setDeviceType("web").build());

    assertThat(login.getUser().getPhoneNumber()).isEqualTo(phone);
    assertThat(login.getUser().getCreatedAt()).isEqualTo(AuthGrpcService.rfc3339(clock.instant()));
    try (Connection c = auth.connect();
        PreparedStatement s = c.prepareStatement("SELECT d.* FROM user_devices d JOIN users u ON u.id = d.user_id "
            + "WHERE u.phone_number = ?")) {
      s.setString(1, phone);
      try (ResultSet row = s.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getObject("user_id", UUID.class).toString()).isEqualTo(login.getUser().getId());
        assertThat(row.getString("device_name")).isEqualTo("Pixel 8");
        assertThat(row.getString("device_type")).isEqualTo("web");
        assertThat(row.getObject("last_login_at", java.time.OffsetDateTime.class).toInstant()).isEqualTo(clock.instant());
        assertThat(row.getString("refresh_token_hash")).isEqualTo(TokenHashes.sha256Hex(login.getRefreshToken()))
            .hasSize(64);
        assertThat(row.getObject("revoked_at")).isNull();
        for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
          assertThat(String.valueOf(row.getObject(i))).doesNotContain(login.getRefreshToken())
              .doesNotContain(login.getAccessToken());
        }
        assertThat(row.next()).isFalse();
      }
    }
  }

  @Test
  void secondLoginOfANumberFindsTheSameUserAndOpensAnotherSession() throws SQLException {
    String phone = TestPhones.next();

    VerifyOTPResponse first = auth.verify(phone, "phone");
    VerifyOTPResponse second = auth.verify(phone, "tablet");

    assertThat(second.getUser().getId()).isEqualTo(first.getUser().getId());
    assertThat(count("SELECT count(*) FROM user_devices WHERE user_id = ?::uuid AND revoked_at IS NULL",
        first.getUser().getId())).isEqualTo(2);
  }

  @Test
  void concurrentFirstLoginsOfOneNumberMakeOneUser() throws Exception {
    String phone = TestPhones.next();
    int logins = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(logins);
    try {
      List<Future<VerifyOTPResponse>> results = new ArrayList<>();
      for (int i = 0; i < logins; i++) {
        String device = "device-" + i;
        results.add(threads.submit(() -> {
          go.await();
          return auth.verify(phone, device);
        }));
      }
      go.countDown();
      Set<String> userIds = new java.util.HashSet<>();
      for (Future<VerifyOTPResponse> result : results) {
        userIds.add(result.get(30, TimeUnit.SECONDS).getUser().getId());
      }
      assertThat(userIds).hasSize(1);
    } finally {
      threads.shutdownNow();
    }
    assertThat(count("SELECT count(*) FROM users WHERE phone_number = ?", phone)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM user_devices d JOIN users u ON u.id = d.user_id WHERE u.phone_number = ?",
        phone)).isEqualTo(logins);
  }

  @Test
  void malformedInputIsInvalidArgumentNamingTheField() {
    String phone = TestPhones.next();
    for (String bad : List.of("", "05321234567", "+90 532 123 45 67", "+0532123456", "+90532123456789012", "+1555")) {
      assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> auth.stub().sendOTP(
          SendOTPRequest.newBuilder().setPhoneNumber(bad).build()))).startsWith("phone_number");
      assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> auth.stub().verifyOTP(
          VerifyOTPRequest.newBuilder().setPhoneNumber(bad).setOtpCode("123456").build()))).startsWith("phone_number");
    }
    for (String badCode : List.of("", "123", "12345678901", "12a456", "１２３４５６")) {
      assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> auth.stub().verifyOTP(
          VerifyOTPRequest.newBuilder().setPhoneNumber(phone).setOtpCode(badCode).build()))).startsWith("otp_code");
    }
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId("x".repeat(101)).build()))).startsWith("device_id");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceId("bad\u0000name").build()))).startsWith("device_id");
    assertThat(assertFailsWith(Status.Code.INVALID_ARGUMENT, () -> auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode("123456").setDeviceType("toaster").build()))).startsWith("device_type");
    // 100 characters, even outside the BMP, is fine.
    assertThat(auth.verify(phone, "😀".repeat(100)).getAccessToken()).isNotEmpty();
  }

  // --- ValidateToken ---

  @Test
  void validateTokenNeverFailsAndAcceptsOnlyAnUnexpiredAccessToken() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    TokenManager otherSecret = new TokenManager("another-secret-0123456789-0123456789-xyz");

    assertThat(validate(login.getAccessToken())).isTrue();
    assertThat(validate(login.getRefreshToken())).isFalse();
    assertThat(validate("")).isFalse();
    assertThat(validate("garbage")).isFalse();
    assertThat(validate(otherSecret.issueAccessToken(login.getUser().getId()).token())).isFalse();

    clock.advance(Duration.ofMinutes(15));
    assertThat(validate(login.getAccessToken())).as("expired").isFalse();
  }

  @Test
  void validateTokenIsFalseForAWellSignedTokenWhoseSubjectIsNotAUserId() {
    TokenManager sameSecret = new TokenManager(AuthTestServer.JWT_SECRET, Duration.ofMinutes(15),
        Duration.ofDays(7), clock);

    for (String subject : List.of("admin", "root", "0", "7f0c2a4e-3b1d-4c5e-9a8b-1234567890zz",
        "7f0c2a4e3b1d4c5e9a8b1234567890ab")) {
      String token = sameSecret.issueAccessToken(subject).token();
      ValidateTokenResponse response = auth.stub()
          .validateToken(ValidateTokenRequest.newBuilder().setAccessToken(token).build());

      assertThat(response.getIsValid()).as("sub %s", subject).isFalse();
      assertThat(response.getUserId()).as("sub %s", subject).isEmpty();
      assertFailsWith(Status.Code.UNAUTHENTICATED,
          () -> auth.as(token).getMe(GetMeRequest.getDefaultInstance()));
    }
    String user = UUID.randomUUID().toString();
    assertThat(validate(sameSecret.issueAccessToken(user).token())).as("a user id subject").isTrue();
  }

  // --- RefreshToken ---

  @Test
  void refreshRotatesTheTokenWithinTheSameSession() throws SQLException {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    clock.advance(Duration.ofSeconds(5));

    RefreshTokenResponse rotated = refresh(login.getRefreshToken());

    assertThat(rotated.getRefreshToken()).isNotEqualTo(login.getRefreshToken());
    assertThat(validate(rotated.getAccessToken())).isTrue();
    try (Connection c = auth.connect();
        PreparedStatement s = c.prepareStatement("SELECT refresh_token_hash, previous_refresh_token_hash, last_used_at "
            + "FROM user_devices WHERE user_id = ?::uuid")) {
      s.setString(1, login.getUser().getId());
      try (ResultSet row = s.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo(TokenHashes.sha256Hex(rotated.getRefreshToken()));
        assertThat(row.getString(2)).isEqualTo(TokenHashes.sha256Hex(login.getRefreshToken()));
        assertThat(row.getObject(3, java.time.OffsetDateTime.class).toInstant()).isEqualTo(clock.instant());
        assertThat(row.next()).as("still one row for the session").isFalse();
      }
    }
    assertThat(refresh(rotated.getRefreshToken()).getAccessToken()).isNotEmpty();
  }

  @Test
  void refreshWithARotatedTokenRevokesTheWholeSession() throws SQLException {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    RefreshTokenResponse rotated = refresh(login.getRefreshToken());
    VerifyOTPResponse otherDevice = auth.verify(login.getUser().getPhoneNumber(), "laptop");

    String message = assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(login.getRefreshToken()));

    assertThat(message).contains("already used");
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(rotated.getRefreshToken()));
    assertThat(count("SELECT count(*) FROM user_devices WHERE user_id = ?::uuid AND revoked_reason = 'token_reuse'",
        login.getUser().getId())).isEqualTo(1);
    assertThat(refresh(otherDevice.getRefreshToken()).getAccessToken())
        .as("the user's other sessions are untouched").isNotEmpty();
  }

  @Test
  void concurrentRefreshesOfOneTokenLetExactlyOneWinAndRevokeTheSession() throws Exception {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    int refreshes = 6;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(refreshes);
    List<Future<RefreshTokenResponse>> results = new ArrayList<>();
    try {
      for (int i = 0; i < refreshes; i++) {
        results.add(threads.submit(() -> {
          go.await();
          return refresh(login.getRefreshToken());
        }));
      }
      go.countDown();
      int won = 0;
      int refused = 0;
      for (Future<RefreshTokenResponse> result : results) {
        try {
          result.get(30, TimeUnit.SECONDS);
          won++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          refused++;
        }
      }
      assertThat(won).isEqualTo(1);
      assertThat(refused).isEqualTo(refreshes - 1);
    } finally {
      threads.shutdownNow();
    }
    // The losers presented a token rotated away: reuse detection ended the session.
    assertThat(count("SELECT count(*) FROM user_devices WHERE user_id = ?::uuid AND revoked_reason = 'token_reuse'",
        login.getUser().getId())).isEqualTo(1);
  }

  @Test
  void refreshWithATokenWithoutSessionIdStillRotatesItsSession() throws SQLException {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    // A refresh token without sid whose hash is the session's current one (tokens from before sid).
    TokenManager sameSecret = new TokenManager(AuthTestServer.JWT_SECRET, Duration.ofMinutes(15), Duration.ofDays(7), clock);
    String legacy = sameSecret.issueRefreshToken(login.getUser().getId()).token();
    try (Connection c = auth.connect();
        PreparedStatement s = c.prepareStatement("UPDATE user_devices SET refresh_token_hash = ? WHERE user_id = ?::uuid")) {
      s.setString(1, TokenHashes.sha256Hex(legacy));
      s.setString(2, login.getUser().getId());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }

    RefreshTokenResponse rotated = refresh(legacy);

    assertThat(validate(rotated.getAccessToken())).isTrue();
    assertThat(refresh(rotated.getRefreshToken()).getAccessToken()).isNotEmpty();
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(legacy));
  }

  @Test
  void refreshWithAnAccessTokenIsRejected() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(login.getAccessToken()));
    assertThat(refresh(login.getRefreshToken()).getAccessToken()).as("the session is unharmed").isNotEmpty();
  }

  @Test
  void refreshWithABadOrExpiredTokenIsRejected() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    TokenManager otherSecret = new TokenManager("another-secret-0123456789-0123456789-xyz");

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(""));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh("garbage"));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(
        otherSecret.issueRefreshToken(login.getUser().getId()).token()));
    // A well-signed refresh token that no session knows (never stored).
    TokenManager sameSecret = new TokenManager(AuthTestServer.JWT_SECRET, Duration.ofMinutes(15), Duration.ofDays(7), clock);
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(
        sameSecret.issueRefreshToken(login.getUser().getId()).token()));

    clock.advance(Duration.ofDays(7));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(login.getRefreshToken()));
  }

  // --- RevokeCurrentDevice, LogoutAllDevices ---

  @Test
  void revokeCurrentDeviceThenRefreshIsRejected() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    VerifyOTPResponse otherDevice = auth.verify(login.getUser().getPhoneNumber(), "laptop");

    assertThat(revoke(login.getRefreshToken())).isTrue();

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(login.getRefreshToken()));
    assertThat(revoke(login.getRefreshToken())).as("revoking twice is fine").isTrue();
    assertThat(refresh(otherDevice.getRefreshToken()).getAccessToken()).isNotEmpty();
  }

  @Test
  void revokeCurrentDeviceWithABadTokenIsUnauthenticated() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> revoke("garbage"));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> revoke(login.getAccessToken()));
    assertThat(refresh(login.getRefreshToken()).getAccessToken()).isNotEmpty();
  }

  @Test
  void logoutAllDevicesEndsEverySessionOfTheUserOnly() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "phone");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");
    RefreshTokenResponse rotated = refresh(laptopLogin.getRefreshToken());
    VerifyOTPResponse someoneElse = auth.verify(TestPhones.next(), "phone");

    assertThat(auth.stub().logoutAllDevices(LogoutAllDevicesRequest.newBuilder()
        .setAccessToken(phoneLogin.getAccessToken()).build()).getSuccess()).isTrue();

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(phoneLogin.getRefreshToken()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(rotated.getRefreshToken()));
    assertThat(refresh(someoneElse.getRefreshToken()).getAccessToken()).isNotEmpty();
  }

  @Test
  void logoutAllDevicesNeedsAValidAccessToken() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().logoutAllDevices(
        LogoutAllDevicesRequest.newBuilder().setAccessToken(login.getRefreshToken()).build()));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().logoutAllDevices(
        LogoutAllDevicesRequest.newBuilder().setAccessToken("").build()));
    assertThat(refresh(login.getRefreshToken()).getAccessToken()).isNotEmpty();
  }

  // --- the session cap ---

  @Test
  void eleventhLoginRevokesTheLeastRecentlyUsedSession() {
    String phone = TestPhones.next();
    List<VerifyOTPResponse> logins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      logins.add(auth.verify(phone, "device-" + i));
      clock.advance(Duration.ofSeconds(1));
    }
    // device-0 is the oldest login but is used now, so device-1 becomes the least recently used.
    RefreshTokenResponse device0 = refresh(logins.get(0).getRefreshToken());
    clock.advance(Duration.ofSeconds(1));

    VerifyOTPResponse eleventh = auth.verify(phone, "device-10");

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(logins.get(1).getRefreshToken()));
    assertThat(refresh(device0.getRefreshToken()).getAccessToken()).isNotEmpty();
    assertThat(refresh(logins.get(2).getRefreshToken()).getAccessToken()).isNotEmpty();
    List<String> names = auth.as(eleventh.getAccessToken()).listDevices(ListDevicesRequest.getDefaultInstance())
        .getDevicesList().stream().map(d -> d.getName()).collect(Collectors.toList());
    assertThat(names).hasSize(10).contains("device-0", "device-10").doesNotContain("device-1");
  }

  @Test
  void sessionCapIsConfigurable() {
    try (AuthTestServer capped = AuthTestServer.startOn(auth.db, clock, Map.of("AUTH_MAX_SESSIONS_PER_USER", "2"))) {
      String phone = TestPhones.next();
      VerifyOTPResponse first = capped.verify(phone, "a");
      clock.advance(Duration.ofSeconds(1));
      VerifyOTPResponse second = capped.verify(phone, "b");
      clock.advance(Duration.ofSeconds(1));
      capped.verify(phone, "c");

      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> capped.stub().refreshToken(
          RefreshTokenRequest.newBuilder().setRefreshToken(first.getRefreshToken()).build()));
      assertThat(capped.stub().refreshToken(RefreshTokenRequest.newBuilder()
          .setRefreshToken(second.getRefreshToken()).build()).getAccessToken()).isNotEmpty();
    }
  }

  private static boolean validate(String token) {
    return auth.stub().validateToken(ValidateTokenRequest.newBuilder().setAccessToken(token).build()).getIsValid();
  }

  // --- error details ---

  @Test
  void clientsReadTheReasonAndTheRequestFieldOfARefusal() {
    StatusRuntimeException badPhone = catchThrowableOfType(StatusRuntimeException.class, () -> auth.stub()
        .sendOTP(SendOTPRequest.newBuilder().setPhoneNumber("05321234567").build()));
    assertThat(ErrorDetails.reason(badPhone)).isEqualTo("INVALID_PHONE_NUMBER");
    assertThat(ErrorDetails.badRequest(badPhone).orElseThrow().getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField).containsExactly("phone_number");

    StatusRuntimeException wrongCode = catchThrowableOfType(StatusRuntimeException.class, () -> auth.stub()
        .verifyOTP(VerifyOTPRequest.newBuilder().setPhoneNumber(TestPhones.next()).setOtpCode("654321").build()));
    assertThat(ErrorDetails.reason(wrongCode)).isEqualTo("OTP_REJECTED");

    StatusRuntimeException garbage = catchThrowableOfType(StatusRuntimeException.class, () -> refresh("garbage"));
    assertThat(ErrorDetails.reason(garbage)).isEqualTo("TOKEN_INVALID");

    StatusRuntimeException noToken = catchThrowableOfType(StatusRuntimeException.class,
        () -> auth.stub().getMe(GetMeRequest.getDefaultInstance()));
    assertThat(noToken.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(ErrorDetails.errorInfo(noToken)).hasValueSatisfying(info -> {
      assertThat(info.getReason()).isEqualTo("TOKEN_MISSING");
      assertThat(info.getDomain()).isEqualTo(ErrorDetails.DOMAIN);
    });
  }

  private static RefreshTokenResponse refresh(String token) {
    return auth.stub().refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(token).build());
  }

  private static boolean revoke(String token) {
    return auth.stub().revokeCurrentDevice(RevokeCurrentDeviceRequest.newBuilder().setRefreshToken(token).build())
        .getSuccess();
  }

  private static long count(String sql, String parameter) throws SQLException {
    try (Connection c = auth.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet row = s.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
