package com.whatsappclone.common.auth;

import static com.whatsappclone.common.auth.HandMadeJwt.decode;
import static com.whatsappclone.common.auth.HandMadeJwt.hmac;
import static com.whatsappclone.common.auth.HandMadeJwt.json;
import static com.whatsappclone.common.auth.HandMadeJwt.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens cross between this port and the Go original (golang-jwt) in both directions. Both sides
 * are done by hand with the JDK so the JWT library is not checked against itself.
 */
class GoInteropTest {

  static final byte[] SECRET = TokenManagerTest.SECRET_BYTES;
  static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
  static final String USER = "5b2c8f0e-9d7a-4e61-8c3b-aa00bb11cc22";
  static final String JTI = "0d9e3c1f-2a4b-4c6d-8e0f-112233445566";

  final MutableClock clock = new MutableClock(NOW);
  final TokenManager tokens = new TokenManager(
      SECRET, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);

  @Test
  void goAccessTokenWithArrayAudienceValidates() {
    long iat = NOW.getEpochSecond() - 60;
    String goToken = sign(HandMadeJwt.GO_HEADER,
        HandMadeJwt.goPayload("access", USER, JTI, "my-app-client", iat, iat + 900),
        SECRET, "HmacSHA256");

    TokenClaims claims = tokens.validateAccessToken(goToken);

    assertThat(claims).isEqualTo(new TokenClaims(USER, TokenType.ACCESS, JTI,
        Instant.ofEpochSecond(iat), Instant.ofEpochSecond(iat + 900)));
  }

  @Test
  void goRefreshTokenValidatesAsRefresh() {
    long iat = NOW.getEpochSecond();
    String goToken = sign(HandMadeJwt.GO_HEADER,
        HandMadeJwt.goPayload("refresh", USER, JTI, "my-auth-service", iat, iat + 7 * 86400),
        SECRET, "HmacSHA256");

    assertThat(tokens.validateRefreshToken(goToken).userId()).isEqualTo(USER);
  }

  @Test
  void goTokenWithStringAudienceValidates() {
    // golang-jwt writes a string when MarshalSingleStringAsArray is off; both forms are legal.
    long iat = NOW.getEpochSecond();
    String payload = HandMadeJwt.goPayload("access", USER, JTI, "my-app-client", iat, iat + 900)
        .replace("[\"my-app-client\"]", "\"my-app-client\"");
    String goToken = sign(HandMadeJwt.GO_HEADER, payload, SECRET, "HmacSHA256");

    assertThat(tokens.validateAccessToken(goToken).userId()).isEqualTo(USER);
  }

  @Test
  void expiredGoTokenIsRejected() {
    long iat = NOW.getEpochSecond() - 901;
    String goToken = sign(HandMadeJwt.GO_HEADER,
        HandMadeJwt.goPayload("access", USER, JTI, "my-app-client", iat, iat + 900),
        SECRET, "HmacSHA256");

    InvalidTokenException.Reason reason = TokenManagerTest.reasonOf(
        () -> tokens.validateAccessToken(goToken));
    assertThat(reason).isEqualTo(InvalidTokenException.Reason.EXPIRED);
  }

  @Test
  void ourAccessTokenPassesTheChecksGolangJwtMakes() throws Exception {
    IssuedToken issued = tokens.issueAccessToken(USER);
    String[] parts = issued.token().split("\\.");
    assertThat(parts).hasSize(3);

    // Header: golang-jwt looks the method up by "alg" and, with WithValidMethods, needs HS256.
    Map<String, Object> header = json(decode(parts[0]));
    assertThat(header.get("alg")).isEqualTo("HS256");

    // Signature: HMAC-SHA256 over "header.payload" with the shared secret, base64url unpadded.
    byte[] expected = hmac("HmacSHA256", SECRET, parts[0] + "." + parts[1]);
    byte[] actual = Base64.getUrlDecoder().decode(parts[2]);
    assertThat(MessageDigest.isEqual(expected, actual)).as("HMAC verifies").isTrue();
    assertThat(parts[2]).doesNotContain("=");

    // Claims: ClaimStrings accepts a string or an array; NumericDate wants JSON numbers.
    Map<String, Object> p = json(decode(parts[1]));
    Object aud = p.get("aud");
    assertThat(aud).satisfiesAnyOf(
        a -> assertThat(a).isEqualTo("my-app-client"),
        a -> assertThat(a).isEqualTo(List.of("my-app-client")));
    assertThat(p.get("iss")).isEqualTo("my-auth-service");
    assertThat(p.get("sub")).isEqualTo(USER);
    assertThat(p.get("type")).isEqualTo("access");
    assertThat(p.get("jti")).isEqualTo(issued.jti());
    assertThat(p.get("iat")).isInstanceOf(Number.class);
    assertThat(p.get("exp")).isInstanceOf(Number.class);
    assertThat(((Number) p.get("exp")).longValue())
        .isEqualTo(NOW.plus(Duration.ofMinutes(15)).getEpochSecond());
  }

  @Test
  void ourRefreshTokenHasTheAudienceGoChecksForRefresh() {
    String token = tokens.issueRefreshToken(USER).token();
    String[] parts = token.split("\\.");

    byte[] expected = hmac("HmacSHA256", SECRET, parts[0] + "." + parts[1]);
    assertThat(MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    Map<String, Object> p = json(decode(parts[1]));
    assertThat(p.get("aud")).isEqualTo(List.of("my-auth-service"));
    assertThat(p.get("type")).isEqualTo("refresh");
  }

  @Test
  void goSecretIsTheUtf8BytesOfTheString() {
    // Go: []byte(os.Getenv("JWT_SECRET")). A non-ASCII secret must sign the same way here.
    String secret = "şifre-ğüç-0123456789-abcdefghijk";
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    TokenManager manager = new TokenManager(
        secret, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);
    long iat = NOW.getEpochSecond();
    String goToken = sign(HandMadeJwt.GO_HEADER,
        HandMadeJwt.goPayload("access", USER, JTI, "my-app-client", iat, iat + 900),
        bytes, "HmacSHA256");

    assertThat(manager.validateAccessToken(goToken).userId()).isEqualTo(USER);
  }
}
