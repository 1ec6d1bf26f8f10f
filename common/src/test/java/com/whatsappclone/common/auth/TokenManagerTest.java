package com.whatsappclone.common.auth;

import static com.whatsappclone.common.auth.HandMadeJwt.b64;
import static com.whatsappclone.common.auth.HandMadeJwt.decode;
import static com.whatsappclone.common.auth.HandMadeJwt.json;
import static com.whatsappclone.common.auth.HandMadeJwt.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.auth.InvalidTokenException.Reason;
import com.whatsappclone.common.error.UnauthenticatedException;
import com.whatsappclone.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenManagerTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef"; // exactly 32 bytes
  static final byte[] SECRET_BYTES = SECRET.getBytes(StandardCharsets.UTF_8);
  static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
  static final String USER = "7f0c2a4e-3b1d-4c5e-9a8b-1234567890ab";

  final MutableClock clock = new MutableClock(START);
  final TokenManager tokens = new TokenManager(
      SECRET, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);

  static Map<String, Object> payloadOf(String token) {
    return json(decode(token.split("\\.")[1]));
  }

  static Map<String, Object> headerOf(String token) {
    return json(decode(token.split("\\.")[0]));
  }

  static Reason reasonOf(Runnable validation) {
    InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, validation::run);
    assertThat(e).as("validation should have failed").isNotNull();
    return e.reason();
  }

  // ---- claims ----

  @Test
  void accessTokenCarriesEveryClaimOfTheContract() {
    IssuedToken issued = tokens.issueAccessToken(USER);
    Map<String, Object> p = payloadOf(issued.token());

    assertThat(headerOf(issued.token())).containsEntry("alg", "HS256").containsEntry("typ", "JWT");
    assertThat(p.get("type")).isEqualTo("access");
    assertThat(p.get("sub")).isEqualTo(USER);
    assertThat(p.get("iss")).isEqualTo("my-auth-service");
    assertThat(p.get("aud")).isEqualTo(List.of("my-app-client"));
    assertThat(p.get("jti")).isEqualTo(issued.jti());
    // A canonical UUID, new for every token (the revocation lists key on it).
    assertThat(UUID.fromString(issued.jti())).hasToString(issued.jti());
    assertThat(tokens.issueAccessToken(USER).jti()).isNotEqualTo(issued.jti());
    assertThat(((Number) p.get("iat")).longValue()).isEqualTo(START.getEpochSecond());
    assertThat(((Number) p.get("exp")).longValue())
        .isEqualTo(START.plus(Duration.ofMinutes(15)).getEpochSecond());
    assertThat(issued.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(15)));
  }

  @Test
  void refreshTokenCarriesEveryClaimOfTheContract() {
    IssuedToken issued = tokens.issueRefreshToken(USER);
    Map<String, Object> p = payloadOf(issued.token());

    assertThat(headerOf(issued.token())).containsEntry("alg", "HS256");
    assertThat(p.get("type")).isEqualTo("refresh");
    assertThat(p.get("sub")).isEqualTo(USER);
    assertThat(p.get("iss")).isEqualTo("my-auth-service");
    assertThat(p.get("aud")).isEqualTo(List.of("my-auth-service"));
    assertThat(p.get("jti")).isEqualTo(issued.jti());
    assertThat(((Number) p.get("iat")).longValue()).isEqualTo(START.getEpochSecond());
    assertThat(((Number) p.get("exp")).longValue())
        .isEqualTo(START.plus(Duration.ofDays(7)).getEpochSecond());
  }

  @Test
  void everyTokenGetsItsOwnJti() {
    TokenPair pair = tokens.issuePair(USER);
    IssuedToken again = tokens.issueAccessToken(USER);

    assertThat(List.of(pair.access().jti(), pair.refresh().jti(), again.jti())).doesNotHaveDuplicates();
    assertThat(pair.access().token()).isNotEqualTo(again.token());
  }

  @Test
  void validatedClaimsMatchWhatWasIssued() {
    IssuedToken issued = tokens.issueAccessToken(USER);

    TokenClaims claims = tokens.validateAccessToken(issued.token());

    assertThat(claims).isEqualTo(
        new TokenClaims(USER, TokenType.ACCESS, issued.jti(), START, issued.expiresAt()));
  }

  // ---- sid ----

  @Test
  void sessionTokensNameTheirSessionInSid() {
    String session = "018f6b1e-4c2a-7d3e-9f10-112233445566";
    TokenPair pair = tokens.issuePair(USER, session);

    assertThat(payloadOf(pair.access().token())).containsEntry("sid", session);
    assertThat(payloadOf(pair.refresh().token())).containsEntry("sid", session);
    assertThat(tokens.validateAccessToken(pair.access().token())).isEqualTo(new TokenClaims(USER,
        TokenType.ACCESS, pair.access().jti(), START, pair.access().expiresAt(), java.util.Optional.of(session)));
    assertThat(tokens.validateRefreshToken(pair.refresh().token()).sessionId()).contains(session);
    assertThat(tokens.validateAccessToken(tokens.issueAccessToken(USER, session).token()).sessionId())
        .contains(session);
  }

  @Test
  void tokensWithoutSidStillValidateWithoutASession() {
    IssuedToken legacy = tokens.issueAccessToken(USER);

    assertThat(payloadOf(legacy.token())).doesNotContainKey("sid");
    assertThat(tokens.validateAccessToken(legacy.token()).sessionId()).isEmpty();
  }

  @Test
  void sidThatIsNotANonBlankStringIsMalformed() {
    long iat = START.getEpochSecond();
    String base = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);
    for (String sid : List.of("42", "\"\"", "\"  \"", "{\"id\":\"x\"}")) {
      String payload = base.substring(0, base.length() - 1) + ",\"sid\":" + sid + "}";
      String token = sign(HandMadeJwt.GO_HEADER, payload, SECRET_BYTES, "HmacSHA256");
      assertThat(reasonOf(() -> tokens.validateAccessToken(token))).as(sid).isEqualTo(Reason.MALFORMED);
    }
  }

  @Test
  void blankSessionIdIsNotIssued() {
    assertThatThrownBy(() -> tokens.issuePair(USER, " ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tokens.issueAccessToken(USER, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issuedTokenDoesNotPrintTheTokenItself() {
    IssuedToken issued = tokens.issueAccessToken(USER);

    assertThat(issued.toString()).doesNotContain(issued.token()).contains(issued.jti());
    assertThat(tokens.issuePair(USER).toString()).doesNotContain("eyJ");
  }

  @Test
  void blankUserIdIsNotIssued() {
    assertThatThrownBy(() -> tokens.issueAccessToken(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- type separation ----

  @Test
  void accessTokenValidatesAsAccessButNotAsRefresh() {
    String access = tokens.issueAccessToken(USER).token();

    assertThat(tokens.validateAccessToken(access).type()).isEqualTo(TokenType.ACCESS);
    assertThat(reasonOf(() -> tokens.validateRefreshToken(access))).isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void refreshTokenValidatesAsRefreshButNotAsAccess() {
    String refresh = tokens.issueRefreshToken(USER).token();

    assertThat(tokens.validateRefreshToken(refresh).userId()).isEqualTo(USER);
    assertThat(reasonOf(() -> tokens.validateAccessToken(refresh))).isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void accessTypeWithRefreshAudienceIsRejected() {
    long iat = START.getEpochSecond();
    String token = sign(HandMadeJwt.GO_HEADER,
        HandMadeJwt.goPayload("access", USER, "j1", "my-auth-service", iat, iat + 900),
        SECRET_BYTES, "HmacSHA256");

    assertThat(reasonOf(() -> tokens.validateAccessToken(token))).isEqualTo(Reason.WRONG_AUDIENCE);
  }

  @Test
  void wrongIssuerIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900)
        .replace("\"iss\":\"my-auth-service\"", "\"iss\":\"someone-else\"");
    String token = sign(HandMadeJwt.GO_HEADER, payload, SECRET_BYTES, "HmacSHA256");

    assertThat(reasonOf(() -> tokens.validateAccessToken(token))).isEqualTo(Reason.WRONG_ISSUER);
  }

  @Test
  void tokenWithoutExpiryIsRejected() {
    String payload = "{\"type\":\"access\",\"iss\":\"my-auth-service\",\"sub\":\"" + USER
        + "\",\"aud\":[\"my-app-client\"],\"iat\":" + START.getEpochSecond() + ",\"jti\":\"j1\"}";
    String token = sign(HandMadeJwt.GO_HEADER, payload, SECRET_BYTES, "HmacSHA256");

    assertThat(reasonOf(() -> tokens.validateAccessToken(token))).isEqualTo(Reason.MISSING_CLAIM);
  }

  // ---- issue time, lifetime and NumericDate types ----

  static String goAccess(long iat, long exp) {
    return sign(HandMadeJwt.GO_HEADER,
        HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, exp),
        SECRET_BYTES, "HmacSHA256");
  }

  static String signed(String payload) {
    return sign(HandMadeJwt.GO_HEADER, payload, SECRET_BYTES, "HmacSHA256");
  }

  @Test
  void tokenIssuedLaterThanNowPlusTheSkewIsRejected() {
    long iat = START.plus(TokenManager.ISSUE_CLOCK_SKEW).getEpochSecond() + 1;

    assertThat(reasonOf(() -> tokens.validateAccessToken(goAccess(iat, iat + 900))))
        .isEqualTo(Reason.ISSUED_IN_THE_FUTURE);
  }

  @Test
  void tokenIssuedByAClockUpToTheSkewAheadIsAccepted() {
    long iat = START.plus(TokenManager.ISSUE_CLOCK_SKEW).getEpochSecond();

    assertThat(tokens.validateAccessToken(goAccess(iat, iat + 900)).userId()).isEqualTo(USER);
  }

  @Test
  void hundredYearAccessTokenIsRejected() {
    long iat = START.getEpochSecond();
    long exp = START.plus(Duration.ofDays(36_525)).getEpochSecond();

    assertThat(reasonOf(() -> tokens.validateAccessToken(goAccess(iat, exp))))
        .isEqualTo(Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void accessTokenLivingLongerThanTheAccessLifetimePlusSkewIsRejected() {
    long iat = START.getEpochSecond();
    long limit = iat + Duration.ofMinutes(15).plus(TokenManager.ISSUE_CLOCK_SKEW).toSeconds();

    assertThat(tokens.validateAccessToken(goAccess(iat, limit)).userId()).isEqualTo(USER);
    assertThat(reasonOf(() -> tokens.validateAccessToken(goAccess(iat, limit + 1))))
        .isEqualTo(Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void accessTokenWithARefreshTokensLifetimeIsRejected() {
    long iat = START.getEpochSecond();

    assertThat(reasonOf(() -> tokens.validateAccessToken(goAccess(iat, iat + 7 * 86_400))))
        .isEqualTo(Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void refreshTokenLongerThanTheRefreshLifetimeIsRejected() {
    long iat = START.getEpochSecond();
    String token = signed(HandMadeJwt.goPayload("refresh", USER, "j1", "my-auth-service",
        iat, iat + Duration.ofDays(8).toSeconds()));

    assertThat(reasonOf(() -> tokens.validateRefreshToken(token)))
        .isEqualTo(Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void lifetimeLimitFollowsTheConfiguredLifetimes() {
    TokenManager custom = new TokenManager(SECRET, Duration.ofMinutes(2), Duration.ofHours(1), clock);
    long iat = START.getEpochSecond();

    assertThat(reasonOf(() -> custom.validateAccessToken(goAccess(iat, iat + 900))))
        .isEqualTo(Reason.LIFETIME_TOO_LONG);
    assertThat(custom.validateAccessToken(custom.issueAccessToken(USER).token()).userId())
        .isEqualTo(USER);
    assertThat(custom.validateRefreshToken(custom.issueRefreshToken(USER).token()).userId())
        .isEqualTo(USER);
  }

  @Test
  void expAsAJsonStringIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900)
        .replace("\"exp\":" + (iat + 900), "\"exp\":\"" + (iat + 900) + "\"");

    assertThat(reasonOf(() -> tokens.validateAccessToken(signed(payload))))
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void expAsAnIsoDateStringIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900)
        .replace("\"exp\":" + (iat + 900), "\"exp\":\"2025-03-01T10:10:00Z\"");

    assertThat(reasonOf(() -> tokens.validateAccessToken(signed(payload))))
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void iatAsAJsonStringIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900)
        .replace("\"iat\":" + iat, "\"iat\":\"" + iat + "\"");

    assertThat(reasonOf(() -> tokens.validateAccessToken(signed(payload))))
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void nbfThatIsNotAJsonNumberIsRejected() {
    long iat = START.getEpochSecond();
    String base = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);

    for (String nbf : List.of("\"" + iat + "\"", "true", "[" + iat + "]", "{}")) {
      String payload = base.replace("}", ",\"nbf\":" + nbf + "}");
      assertThat(reasonOf(() -> tokens.validateAccessToken(signed(payload))))
          .as("nbf %s", nbf).isEqualTo(Reason.MALFORMED);
    }
  }

  @Test
  void numericNbfInThePastIsAccepted() {
    // golang-jwt writes nbf as a number when a Go issuer sets it.
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900)
        .replace("}", ",\"nbf\":" + iat + "}");

    assertThat(tokens.validateAccessToken(signed(payload)).userId()).isEqualTo(USER);
  }

  @Test
  void rejectionOfAStringDateDoesNotQuoteTheValue() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900)
        .replace("\"exp\":" + (iat + 900), "\"exp\":\"4102444800\"");

    InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
        () -> tokens.validateAccessToken(signed(payload)));
    for (Throwable c = e; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain("4102444800");
    }
  }

  // ---- algorithms and signatures ----

  @Test
  void algNoneTokenIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);
    String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".";

    assertThat(reasonOf(() -> tokens.validateAccessToken(unsigned)))
        .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void algNoneHeaderWithAValidHs256SignatureIsStillRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);
    String token = sign("{\"alg\":\"none\"}", payload, SECRET_BYTES, "HmacSHA256");

    assertThat(reasonOf(() -> tokens.validateAccessToken(token)))
        .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void hs512SignedWithTheSameSecretIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);
    String token = sign("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload, SECRET_BYTES, "HmacSHA512");

    assertThat(reasonOf(() -> tokens.validateAccessToken(token)))
        .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void hs384SignedWithTheSameSecretIsRejected() {
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);
    String token = sign("{\"alg\":\"HS384\",\"typ\":\"JWT\"}", payload, SECRET_BYTES, "HmacSHA384");

    assertThat(reasonOf(() -> tokens.validateAccessToken(token)))
        .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void hs512IsRejectedEvenWhenTheSecretIsLongEnoughForIt() {
    // With a 64-byte secret an HS512 signature is cryptographically valid; only the algorithm
    // policy can refuse it.
    byte[] longSecret = (SECRET + SECRET).getBytes(StandardCharsets.UTF_8);
    TokenManager manager = new TokenManager(
        longSecret, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);
    long iat = START.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, "j1", "my-app-client", iat, iat + 900);
    String hs256 = sign(HandMadeJwt.GO_HEADER, payload, longSecret, "HmacSHA256");
    String hs512 = sign("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload, longSecret, "HmacSHA512");

    assertThat(manager.validateAccessToken(hs256).userId()).isEqualTo(USER);
    assertThat(reasonOf(() -> manager.validateAccessToken(hs512)))
        .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void tokenSignedWithAnotherSecretIsRejected() {
    TokenManager other = new TokenManager("another-secret-that-is-32-bytes!!",
        TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);
    String foreign = other.issueAccessToken(USER).token();

    assertThat(reasonOf(() -> tokens.validateAccessToken(foreign))).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void tamperedPayloadIsRejected() {
    String[] parts = tokens.issueAccessToken(USER).token().split("\\.");
    String forged = decode(parts[1]).replace(USER, "00000000-0000-0000-0000-000000000001");
    String tampered = parts[0] + "." + b64(forged) + "." + parts[2];

    assertThat(reasonOf(() -> tokens.validateAccessToken(tampered))).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void garbageIsRejectedAsMalformed() {
    assertThat(reasonOf(() -> tokens.validateAccessToken("not-a-jwt"))).isEqualTo(Reason.MALFORMED);
    assertThat(reasonOf(() -> tokens.validateAccessToken(""))).isEqualTo(Reason.MALFORMED);
    assertThat(reasonOf(() -> tokens.validateAccessToken(null))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void rejectionNeverQuotesTheToken() {
    String token = tokens.issueRefreshToken(USER).token();
    String[] parts = token.split("\\.");
    String badSignature = parts[0] + "." + parts[1] + "." + b64("x".repeat(32));
    clock.advance(Duration.ofDays(8));

    for (String t : List.of(token, badSignature, parts[0] + "." + parts[1] + ".%%%")) {
      InvalidTokenException e =
          catchThrowableOfType(InvalidTokenException.class, () -> tokens.validateAccessToken(t));
      assertThat(e).isNotNull();
      for (Throwable c = e; c != null; c = c.getCause()) {
        assertThat(String.valueOf(c.getMessage()))
            .doesNotContain(t).doesNotContain(parts[1]).doesNotContain(parts[2]);
      }
    }
  }

  @Test
  void invalidTokenMapsToUnauthenticated() {
    Throwable e = catchThrowableOfType(InvalidTokenException.class,
        () -> tokens.validateAccessToken("x.y.z"));

    assertThat(e).isInstanceOf(UnauthenticatedException.class)
        .hasMessageStartingWith("invalid access token: ");
  }

  // ---- expiry ----

  @Test
  void accessTokenIsAcceptedOneSecondBeforeExpiry() {
    String token = tokens.issueAccessToken(USER).token();
    clock.advance(Duration.ofMinutes(15).minusSeconds(1));

    assertThat(tokens.validateAccessToken(token).userId()).isEqualTo(USER);
  }

  @Test
  void accessTokenIsRejectedAtItsExpiryInstant() {
    String token = tokens.issueAccessToken(USER).token();
    clock.advance(Duration.ofMinutes(15));

    assertThat(reasonOf(() -> tokens.validateAccessToken(token))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void accessTokenIsRejectedAfterFifteenMinutes() {
    String token = tokens.issueAccessToken(USER).token();
    clock.advance(Duration.ofMinutes(15).plusSeconds(1));

    assertThat(reasonOf(() -> tokens.validateAccessToken(token))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void refreshTokenLivesSevenDays() {
    String token = tokens.issueRefreshToken(USER).token();

    clock.advance(Duration.ofDays(7).minusSeconds(1));
    assertThat(tokens.validateRefreshToken(token).userId()).isEqualTo(USER);
    clock.advance(Duration.ofSeconds(1));
    assertThat(reasonOf(() -> tokens.validateRefreshToken(token))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void configuredLifetimesAreHonoured() {
    TokenManager custom =
        new TokenManager(SECRET, Duration.ofMinutes(2), Duration.ofHours(1), clock);
    IssuedToken access = custom.issueAccessToken(USER);
    IssuedToken refresh = custom.issueRefreshToken(USER);

    assertThat(access.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(2)));
    assertThat(refresh.expiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(2));
    assertThat(reasonOf(() -> custom.validateAccessToken(access.token()))).isEqualTo(Reason.EXPIRED);
    assertThat(custom.validateRefreshToken(refresh.token()).userId()).isEqualTo(USER);
  }

  @Test
  void subSecondIssueTimeIsTruncatedConsistently() {
    clock.set(START.plusMillis(999));
    IssuedToken issued = tokens.issueAccessToken(USER);

    assertThat(((Number) payloadOf(issued.token()).get("exp")).longValue())
        .isEqualTo(issued.expiresAt().getEpochSecond());
    assertThat(issued.expiresAt().getNano()).isZero();
  }

  // ---- secret ----

  @Test
  void secretShorterThan32BytesIsRefusedNamingJwtSecret() {
    assertThatThrownBy(() -> new TokenManager("short-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT_SECRET")
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void secretOf31BytesIsRefusedAnd32IsAccepted() {
    assertThatThrownBy(() -> new TokenManager(SECRET.substring(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new TokenManager(SECRET).issueAccessToken(USER).token()).isNotBlank();
  }

  @Test
  void missingSecretIsRefusedNamingJwtSecret() {
    assertThatThrownBy(() -> new TokenManager((String) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT_SECRET");
    assertThatThrownBy(() -> new TokenManager(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT_SECRET");
  }

  @Test
  void zeroLifetimeIsRefused() {
    assertThatThrownBy(() -> new TokenManager(SECRET, Duration.ZERO, Duration.ofDays(1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("access token lifetime");
  }
}
