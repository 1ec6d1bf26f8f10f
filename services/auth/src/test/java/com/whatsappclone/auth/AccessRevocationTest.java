package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.proto.auth.Device;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.RevokeDeviceRequest;
import com.whatsappclone.proto.auth.UpdateProfileRequest;
import com.whatsappclone.proto.auth.ValidateTokenRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revoking a session ends its ACCESS token too, at once on this instance and within a poll on
 * another one: logout, logout of all devices, RevokeDevice, refresh-token reuse, session-limit
 * eviction. Tokens name their session in {@code sid}; tokens without it still work.
 */
@WithPostgres
class AccessRevocationTest {

  private static final String REVOKED = "session has been revoked";

  private static MutableClock clock;
  private static AuthTestServer auth;
  /** Signs tokens as the Go original did: same secret, no sid. */
  private static TokenManager legacyIssuer;

  @BeforeAll
  static void start() {
    clock = MutableClock.startingNow();
    auth = AuthTestServer.start(clock, Map.of("AUTH_SEND_OTP_IP_LIMIT", "100000",
        "AUTH_VERIFY_OTP_FAILURES_LIMIT", "1000", "AUTH_MAX_SESSIONS_PER_USER", "3"));
    legacyIssuer = new TokenManager(AuthTestServer.JWT_SECRET, TokenManager.DEFAULT_ACCESS_TTL,
        TokenManager.DEFAULT_REFRESH_TTL, clock);
  }

  @AfterAll
  static void stop() {
    auth.close();
  }

  @Test
  void getMeWithAccessTokenOfLoggedOutSessionIsRefused() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "phone");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");
    VerifyOTPResponse someoneElse = auth.verify(TestPhones.next(), "phone");
    assertThat(getMe(phoneLogin.getAccessToken())).isEqualTo(phoneLogin.getUser().getId());
    assertThat(validate(laptopLogin.getAccessToken())).isTrue();

    auth.stub().logoutAllDevices(LogoutAllDevicesRequest.newBuilder()
        .setAccessToken(phoneLogin.getAccessToken()).build());

    for (String token : List.of(phoneLogin.getAccessToken(), laptopLogin.getAccessToken())) {
      assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> getMe(token))).isEqualTo(REVOKED);
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.as(token).updateProfile(
          UpdateProfileRequest.newBuilder().setDisplayName("x").build()));
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.as(token).listDevices(ListDevicesRequest.getDefaultInstance()));
      assertThat(validate(token)).isFalse();
    }
    // The revoked token cannot log out the sessions opened after it either.
    VerifyOTPResponse again = auth.verify(phone, "phone");
    assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().logoutAllDevices(
        LogoutAllDevicesRequest.newBuilder().setAccessToken(phoneLogin.getAccessToken()).build()))).isEqualTo(REVOKED);
    assertThat(getMe(again.getAccessToken())).isEqualTo(phoneLogin.getUser().getId());
    assertThat(getMe(someoneElse.getAccessToken())).isEqualTo(someoneElse.getUser().getId());
  }

  @Test
  void revokeCurrentDeviceEndsThatSessionsAccessTokenOnly() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "phone");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");

    auth.stub().revokeCurrentDevice(RevokeCurrentDeviceRequest.newBuilder()
        .setRefreshToken(phoneLogin.getRefreshToken()).build());

    assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> getMe(phoneLogin.getAccessToken()))).isEqualTo(REVOKED);
    assertThat(validate(phoneLogin.getAccessToken())).isFalse();
    assertThat(getMe(laptopLogin.getAccessToken())).isEqualTo(laptopLogin.getUser().getId());
  }

  @Test
  void revokeDeviceEndsThatDevicesAccessToken() {
    String phone = TestPhones.next();
    VerifyOTPResponse phoneLogin = auth.verify(phone, "phone");
    VerifyOTPResponse laptopLogin = auth.verify(phone, "laptop");
    String laptopId = sessionOf(laptopLogin.getAccessToken());

    auth.as(phoneLogin.getAccessToken()).revokeDevice(RevokeDeviceRequest.newBuilder().setId(laptopId).build());

    assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> getMe(laptopLogin.getAccessToken()))).isEqualTo(REVOKED);
    assertThat(getMe(phoneLogin.getAccessToken())).isEqualTo(phoneLogin.getUser().getId());
  }

  @Test
  void refreshTokenReuseRevokesAccessEverywhere() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    RefreshTokenResponse rotated = refresh(login.getRefreshToken());
    assertThat(getMe(rotated.getAccessToken())).isEqualTo(login.getUser().getId());

    // The rotated-away token comes back: someone holds a copy.
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> refresh(login.getRefreshToken()));

    for (String token : List.of(login.getAccessToken(), rotated.getAccessToken())) {
      assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> getMe(token))).isEqualTo(REVOKED);
      assertThat(validate(token)).isFalse();
    }
  }

  @Test
  void sessionLimitEvictionEndsTheEvictedSessionsAccessToken() {
    String phone = TestPhones.next();
    VerifyOTPResponse first = auth.verify(phone, "a");
    clock.advance(Duration.ofSeconds(1));
    VerifyOTPResponse second = auth.verify(phone, "b");
    clock.advance(Duration.ofSeconds(1));
    auth.verify(phone, "c");
    clock.advance(Duration.ofSeconds(1));
    auth.verify(phone, "d"); // the cap is 3 here: "a" is evicted

    assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> getMe(first.getAccessToken()))).isEqualTo(REVOKED);
    assertThat(getMe(second.getAccessToken())).isEqualTo(second.getUser().getId());
  }

  @Test
  void tokensNameTheirSessionAndRefreshKeepsIt() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    String session = sessionOf(login.getAccessToken());
    clock.advance(Duration.ofSeconds(1));
    RefreshTokenResponse rotated = refresh(login.getRefreshToken());

    assertThat(sessionOf(rotated.getAccessToken())).isEqualTo(session);
    List<Device> devices = auth.as(login.getAccessToken()).listDevices(ListDevicesRequest.getDefaultInstance())
        .getDevicesList();
    assertThat(devices).singleElement().satisfies(d -> {
      assertThat(d.getId()).isEqualTo(session);
      // The older access token of the session is still recognised as the caller's.
      assertThat(d.getIsCurrent()).isTrue();
    });
  }

  @Test
  void legacyTokenWithoutSidIsRefusedAfterLogoutAll() {
    VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
    String userId = login.getUser().getId();
    String legacy = legacyIssuer.issueAccessToken(userId).token();
    assertThat(legacyIssuer.validateAccessToken(legacy).sessionId()).isEmpty();
    assertThat(getMe(legacy)).as("tokens without sid still validate").isEqualTo(userId);
    assertThat(validate(legacy)).isTrue();

    auth.stub().logoutAllDevices(LogoutAllDevicesRequest.newBuilder().setAccessToken(login.getAccessToken()).build());

    assertThat(assertFailsWith(Status.Code.UNAUTHENTICATED, () -> getMe(legacy))).isEqualTo(REVOKED);
    assertThat(validate(legacy)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(getMe(legacyIssuer.issueAccessToken(userId).token()))
        .as("one issued after the revocation").isEqualTo(userId);
  }

  @Test
  void anotherAuthInstanceRefusesTheSessionWithinAPoll() throws Exception {
    try (AuthTestServer other = AuthTestServer.startOn(auth.db, clock,
        Map.of("SESSION_REVOCATION_POLL_INTERVAL", "200ms"))) {
      VerifyOTPResponse login = auth.verify(TestPhones.next(), "phone");
      assertThat(other.as(login.getAccessToken()).getMe(GetMeRequest.getDefaultInstance()).getUser().getId())
          .isEqualTo(login.getUser().getId());

      auth.stub().logoutAllDevices(LogoutAllDevicesRequest.newBuilder().setAccessToken(login.getAccessToken()).build());

      Status status = Eventually.await("the other instance to refuse the token", () -> {
        try {
          other.as(login.getAccessToken()).getMe(GetMeRequest.getDefaultInstance());
          return Status.OK;
        } catch (StatusRuntimeException e) {
          return e.getStatus();
        }
      }, s -> !s.isOk());
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(status.getDescription()).isEqualTo(REVOKED);
    }
  }

  private static String getMe(String accessToken) {
    return auth.as(accessToken).getMe(GetMeRequest.getDefaultInstance()).getUser().getId();
  }

  private static boolean validate(String token) {
    return auth.stub().validateToken(ValidateTokenRequest.newBuilder().setAccessToken(token).build()).getIsValid();
  }

  private static RefreshTokenResponse refresh(String token) {
    return auth.stub().refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(token).build());
  }

  private static String sessionOf(String accessToken) {
    TokenClaims claims = legacyIssuer.validateAccessToken(accessToken);
    assertThat(claims.sessionId()).as("auth's tokens carry sid").isPresent();
    return claims.sessionId().get();
  }
}
