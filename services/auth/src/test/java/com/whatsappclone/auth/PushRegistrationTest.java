package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.auth.Device;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.ListDevicesResponse;
import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.PushPlatform;
import com.whatsappclone.proto.auth.PushRegistration;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RegisterPushTokenRequest;
import com.whatsappclone.proto.auth.RegisterPushTokenResponse;
import com.whatsappclone.proto.auth.RemovePushTokenRequest;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.RevokeDeviceRequest;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RegisterPushToken and RemovePushToken (issue 18): a session's push token, on the caller's own
 * session only, one session per token, gone with the session; ListDevices shows the registration
 * but never the token.
 */
@WithPostgres
class PushRegistrationTest {

  private static final AtomicInteger TOKENS = new AtomicInteger();

  private static MutableClock clock;
  private static AuthTestServer auth;
  /** Signs tokens as the Go original did: same secret, no sid. */
  private static TokenManager legacyIssuer;

  @BeforeAll
  static void start() {
    clock = MutableClock.startingNow();
    auth = AuthTestServer.start(clock, Map.of("AUTH_MAX_SESSIONS_PER_USER", "2"));
    legacyIssuer = new TokenManager(AuthTestServer.JWT_SECRET, TokenManager.DEFAULT_ACCESS_TTL,
        TokenManager.DEFAULT_REFRESH_TTL, clock);
  }

  @AfterAll
  static void stop() {
    auth.close();
  }

  /** An FCM-like registration token no other test uses. */
  private static String fcmToken() {
    return "fcm-" + UUID.randomUUID() + ":APA91b" + "x".repeat(120) + TOKENS.incrementAndGet();
  }

  /** A 32-byte APNs device token in upper case hex, no other test's. */
  private static String apnsToken() {
    return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").toUpperCase();
  }

  private static RegisterPushTokenRequest fcm(String token) {
    return RegisterPushTokenRequest.newBuilder().setPlatform(PushPlatform.PUSH_PLATFORM_FCM).setToken(token).build();
  }

  private static RegisterPushTokenResponse register(VerifyOTPResponse login, RegisterPushTokenRequest request) {
    return auth.as(login.getAccessToken()).registerPushToken(request);
  }

  private static ListDevicesResponse listDevices(VerifyOTPResponse login) {
    return auth.as(login.getAccessToken()).listDevices(ListDevicesRequest.getDefaultInstance());
  }

  private static String sessionOf(VerifyOTPResponse login) {
    return legacyIssuer.validateAccessToken(login.getAccessToken()).sessionId().orElseThrow();
  }

  @Test
  void registerPushTokenIsListedInListDevices() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "Pixel 8");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");
    String token = fcmToken();
    clock.advance(Duration.ofSeconds(5));

    RegisterPushTokenResponse registered = register(phoneLogin, fcm(token));

    PushRegistration expected = PushRegistration.newBuilder().setPlatform(PushPlatform.PUSH_PLATFORM_FCM)
        .setRegisteredAt(AuthGrpcService.rfc3339(clock.instant())).build();
    assertThat(registered.getDevice().getId()).isEqualTo(sessionOf(phoneLogin));
    assertThat(registered.getDevice().getName()).isEqualTo("Pixel 8");
    assertThat(registered.getDevice().getIsCurrent()).isTrue();
    assertThat(registered.getDevice().getPush()).isEqualTo(expected);
    ListDevicesResponse listed = listDevices(laptopLogin);
    assertThat(listed.getDevicesList()).extracting(Device::getName).containsExactlyInAnyOrder("Pixel 8", "laptop");
    assertThat(device(listed, "Pixel 8").getPush()).isEqualTo(expected);
    assertThat(device(listed, "laptop").hasPush()).as("no registration on the laptop").isFalse();
    // The token is stored, and never answered back.
    assertThat(stored(sessionOf(phoneLogin)).token()).isEqualTo(token);
    assertThat(registered.toByteString().toStringUtf8()).doesNotContain(token);
    assertThat(listed.toByteString().toStringUtf8()).doesNotContain(token);
  }

  @Test
  void registeringAgainReplacesTheToken() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "iPhone");
    String session = sessionOf(login);
    register(login, fcm(fcmToken()));
    clock.advance(Duration.ofMinutes(1));
    String apns = apnsToken();

    PushRegistration push = register(login, RegisterPushTokenRequest.newBuilder()
        .setPlatform(PushPlatform.PUSH_PLATFORM_APNS).setToken(apns).setApnsTopic("com.example.chat.voip")
        .setApnsSandbox(true).build()).getDevice().getPush();

    assertThat(push.getPlatform()).isEqualTo(PushPlatform.PUSH_PLATFORM_APNS);
    assertThat(push.getApnsTopic()).isEqualTo("com.example.chat.voip");
    assertThat(push.getApnsSandbox()).isTrue();
    assertThat(push.getRegisteredAt()).isEqualTo(AuthGrpcService.rfc3339(clock.instant()));
    assertThat(listDevices(login).getDevices(0).getPush()).isEqualTo(push);
    assertThat(stored(session)).isEqualTo(new Stored(apns.toLowerCase(), "apns", "com.example.chat.voip", true, true));

    // Back to FCM: the APNs topic and environment go with the old token.
    register(login, fcm("fcm-again-" + apns));
    assertThat(stored(session)).isEqualTo(new Stored("fcm-again-" + apns, "fcm", null, false, true));
  }

  @Test
  void theSameTokenOnAnotherSessionMovesToIt() {
    String phone = TestPhones.next();
    VerifyOTPResponse before = auth.verify(phone, "before reinstall");
    VerifyOTPResponse after = auth.verify(phone, "after reinstall");
    VerifyOTPResponse someoneElse = auth.verify(TestPhones.next(), "same phone, other account");
    String apns = apnsToken();
    RegisterPushTokenRequest request = RegisterPushTokenRequest.newBuilder()
        .setPlatform(PushPlatform.PUSH_PLATFORM_APNS).setToken(apns.toLowerCase()).build();
    register(before, request);

    // The same device token, spelt in upper case: the same device.
    register(after, request.toBuilder().setToken(apns).build());

    assertThat(device(listDevices(after), "before reinstall").hasPush()).isFalse();
    assertThat(device(listDevices(after), "after reinstall").hasPush()).isTrue();
    assertThat(sessionsHolding(apns.toLowerCase())).containsExactly(sessionOf(after));

    // Another user signing in on that phone takes the token over too.
    register(someoneElse, request);
    assertThat(device(listDevices(after), "after reinstall").hasPush()).isFalse();
    assertThat(sessionsHolding(apns.toLowerCase())).containsExactly(sessionOf(someoneElse));
  }

  @Test
  void removePushTokenClearsIt() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    String session = sessionOf(login);
    register(login, RegisterPushTokenRequest.newBuilder().setPlatform(PushPlatform.PUSH_PLATFORM_APNS)
        .setToken(apnsToken()).setApnsTopic("com.example.chat").setApnsSandbox(true).build());

    assertThat(auth.as(login.getAccessToken()).removePushToken(RemovePushTokenRequest.getDefaultInstance())
        .getRemoved()).isTrue();

    assertThat(listDevices(login).getDevices(0).hasPush()).isFalse();
    assertThat(stored(session)).isEqualTo(Stored.NONE);
    assertThat(auth.as(login.getAccessToken()).removePushToken(RemovePushTokenRequest.getDefaultInstance())
        .getRemoved()).as("nothing left to remove").isFalse();
  }

  /** The ways a session ends, each through its own RPC. */
  enum Revocation {
    REVOKE_CURRENT_DEVICE("logout"),
    LOGOUT_ALL_DEVICES("logout_all"),
    REVOKE_DEVICE("revoked"),
    REFRESH_TOKEN_REUSE("token_reuse"),
    SESSION_LIMIT("session_limit");

    final String reason;

    Revocation(String reason) {
      this.reason = reason;
    }
  }

  @ParameterizedTest
  @EnumSource(Revocation.class)
  void eachRevocationClearsThePushToken(Revocation revocation) throws SQLException {
    String phone = TestPhones.next();
    VerifyOTPResponse login = auth.verify(phone, "phone");
    String session = sessionOf(login);
    register(login, fcm(fcmToken()));
    clock.advance(Duration.ofSeconds(1));

    switch (revocation) {
      case REVOKE_CURRENT_DEVICE -> auth.stub().revokeCurrentDevice(RevokeCurrentDeviceRequest.newBuilder()
          .setRefreshToken(login.getRefreshToken()).build());
      case LOGOUT_ALL_DEVICES -> auth.stub().logoutAllDevices(LogoutAllDevicesRequest.newBuilder()
          .setAccessToken(login.getAccessToken()).build());
      case REVOKE_DEVICE -> auth.as(auth.verify(phone, "laptop").getAccessToken())
          .revokeDevice(RevokeDeviceRequest.newBuilder().setId(session).build());
      case REFRESH_TOKEN_REUSE -> {
        RefreshTokenResponse rotated = refresh(login.getRefreshToken());
        assertThat(rotated.getAccessToken()).isNotEmpty();
        assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(login.getRefreshToken()));
      }
      case SESSION_LIMIT -> {
        // The cap is 2 here: the third sign-in ends the least recently used, this one.
        auth.verify(phone, "tablet");
        clock.advance(Duration.ofSeconds(1));
        auth.verify(phone, "laptop");
      }
      default -> throw new AssertionError(revocation);
    }

    assertThat(revokedReason(session)).isEqualTo(revocation.reason);
    assertThat(stored(session)).isEqualTo(Stored.NONE);
  }

  @Test
  void validationErrorsNameTheField() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    String apns = apnsToken();
    RegisterPushTokenRequest apnsRequest = RegisterPushTokenRequest.newBuilder()
        .setPlatform(PushPlatform.PUSH_PLATFORM_APNS).setToken(apns).build();

    assertRefused(login, fcm(fcmToken()).toBuilder().setPlatform(PushPlatform.PUSH_PLATFORM_UNSPECIFIED).build(),
        "platform", "INVALID_PUSH_PLATFORM");
    assertRefused(login, fcm(fcmToken()).toBuilder().setPlatformValue(7).build(), "platform", "INVALID_PUSH_PLATFORM");
    assertRefused(login, fcm(""), "token", "FIELD_REQUIRED");
    assertRefused(login, fcm("a".repeat(4097)), "token", "TEXT_TOO_LONG");
    assertRefused(login, fcm("abc def"), "token", "INVALID_PUSH_TOKEN");
    assertRefused(login, fcm("abc\u00a0def"), "token", "INVALID_PUSH_TOKEN");
    assertRefused(login, fcm("abc\ndef"), "token", "INVALID_TEXT");
    assertRefused(login, apnsRequest.toBuilder().setToken("z" + apns.substring(1)).build(), "token",
        "INVALID_PUSH_TOKEN");
    assertRefused(login, apnsRequest.toBuilder().setToken(apns.substring(2)).build(), "token", "INVALID_PUSH_TOKEN");
    assertRefused(login, apnsRequest.toBuilder().setToken(apns + "a").build(), "token", "INVALID_PUSH_TOKEN");
    assertRefused(login, apnsRequest.toBuilder().setToken("ab".repeat(101)).build(), "token", "INVALID_PUSH_TOKEN");
    assertRefused(login, fcm(fcmToken()).toBuilder().setApnsTopic("com.example.chat").build(), "apns_topic",
        "APNS_FIELD_NOT_ALLOWED");
    assertRefused(login, fcm(fcmToken()).toBuilder().setApnsSandbox(true).build(), "apns_sandbox",
        "APNS_FIELD_NOT_ALLOWED");
    for (String topic : List.of("com.example chat", "com..example", ".com.example", "com.example/voip")) {
      assertRefused(login, apnsRequest.toBuilder().setApnsTopic(topic).build(), "apns_topic", "INVALID_APNS_TOPIC");
    }
    assertRefused(login, apnsRequest.toBuilder().setApnsTopic("a".repeat(256)).build(), "apns_topic", "TEXT_TOO_LONG");

    // Nothing of the refused requests was stored; at the limits, it is accepted.
    assertThat(listDevices(login).getDevices(0).hasPush()).isFalse();
    assertThat(register(login, fcm("a".repeat(4096))).getDevice().hasPush()).isTrue();
    assertThat(register(login, apnsRequest.toBuilder().setToken("AB".repeat(100))
        .setApnsTopic("a".repeat(255)).build()).getDevice().getPush().getApnsTopic()).hasSize(255);
    assertThat(stored(sessionOf(login)).token()).isEqualTo("ab".repeat(100));
  }

  @Test
  void aTokenWithoutSidIsRefused() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    String legacy = legacyIssuer.issueAccessToken(login.getUser().getId()).token();
    assertThat(legacyIssuer.validateAccessToken(legacy).sessionId()).isEmpty();

    StatusRuntimeException register = catchThrowableOfType(StatusRuntimeException.class,
        () -> auth.as(legacy).registerPushToken(fcm(fcmToken())));
    StatusRuntimeException remove = catchThrowableOfType(StatusRuntimeException.class,
        () -> auth.as(legacy).removePushToken(RemovePushTokenRequest.getDefaultInstance()));

    for (StatusRuntimeException refusal : List.of(register, remove)) {
      assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(ErrorDetails.reason(refusal)).isEqualTo("SESSION_REQUIRED");
      assertThat(refusal.getStatus().getDescription()).contains("no sid");
    }
    assertThat(listDevices(login).getDevices(0).hasPush()).isFalse();
  }

  @Test
  void pushRpcsNeedAnAccessTokenOfAnActiveSession() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().registerPushToken(fcm(fcmToken())));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().removePushToken(
        RemovePushTokenRequest.getDefaultInstance()));

    auth.stub().revokeCurrentDevice(RevokeCurrentDeviceRequest.newBuilder()
        .setRefreshToken(login.getRefreshToken()).build());

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> register(login, fcm(fcmToken())));
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.as(login.getAccessToken())
        .removePushToken(RemovePushTokenRequest.getDefaultInstance()));
  }

  private static void assertRefused(VerifyOTPResponse login, RegisterPushTokenRequest request, String field,
      String reason) {
    StatusRuntimeException refusal = catchThrowableOfType(StatusRuntimeException.class,
        () -> register(login, request));
    assertThat(refusal).as("%s should be refused", field).isNotNull();
    assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refusal.getStatus().getDescription()).startsWith(field + ":");
    assertThat(ErrorDetails.reason(refusal)).as(refusal.getStatus().getDescription()).isEqualTo(reason);
    assertThat(ErrorDetails.badRequest(refusal)).get().extracting(b -> b.getFieldViolations(0))
        .extracting(BadRequest.FieldViolation::getField).isEqualTo(field);
    if (!request.getToken().isEmpty()) {
      assertThat(refusal.getStatus().getDescription()).as("never echoes the token").doesNotContain(request.getToken());
    }
  }

  private static RefreshTokenResponse refresh(String token) {
    return auth.stub().refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(token).build());
  }

  private static Device device(ListDevicesResponse response, String name) {
    return response.getDevicesList().stream().filter(d -> d.getName().equals(name)).findFirst().orElseThrow();
  }

  /** The push columns of one user_devices row; {@code registered} says whether push_registered_at is set. */
  record Stored(String token, String platform, String apnsTopic, boolean apnsSandbox, boolean registered) {
    static final Stored NONE = new Stored(null, null, null, false, false);
  }

  private static Stored stored(String sessionId) {
    try (Connection c = auth.connect(); PreparedStatement s = c.prepareStatement("SELECT push_notification_token, "
        + "push_platform, push_apns_topic, push_apns_sandbox, push_registered_at IS NOT NULL AS registered "
        + "FROM user_devices WHERE id = ?::uuid")) {
      s.setString(1, sessionId);
      try (ResultSet row = s.executeQuery()) {
        assertThat(row.next()).as("session " + sessionId).isTrue();
        return new Stored(row.getString(1), row.getString(2), row.getString(3), row.getBoolean(4), row.getBoolean(5));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static String revokedReason(String sessionId) throws SQLException {
    try (Connection c = auth.connect();
        PreparedStatement s = c.prepareStatement("SELECT revoked_reason FROM user_devices WHERE id = ?::uuid")) {
      s.setString(1, sessionId);
      try (ResultSet row = s.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  private static List<String> sessionsHolding(String token) {
    try (Connection c = auth.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT id::text FROM user_devices WHERE push_notification_token = ?")) {
      s.setString(1, token);
      try (ResultSet row = s.executeQuery()) {
        List<String> ids = new ArrayList<>();
        while (row.next()) {
          ids.add(row.getString(1));
        }
        return ids;
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
