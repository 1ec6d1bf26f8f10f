package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static com.whatsappclone.common.auth.TokenManagerTest.reasonOf;

import com.whatsappclone.common.auth.InvalidTokenException.Reason;
import com.whatsappclone.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessTokenCacheTest {

  static final String SECRET = TokenManagerTest.SECRET;
  static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210";
  static final Instant START = TokenManagerTest.START;
  static final String USER = TokenManagerTest.USER;

  final MutableClock clock = new MutableClock(START);
  final TokenManager tokens = new TokenManager(
      SECRET, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);
  final AccessTokenCache cache = new AccessTokenCache(tokens, 100);

  @Test
  void secondValidationOfATokenIsAnsweredFromTheCache() {
    String token = tokens.issueAccessToken(USER, "session-1").token();

    TokenClaims first = cache.validate(token);
    TokenClaims second = cache.validate(token);

    assertThat(first.userId()).isEqualTo(USER);
    assertThat(first.sessionId()).contains("session-1");
    // The same object: the signature and claims were not checked again.
    assertThat(second).isSameAs(first);
  }

  @Test
  void cachedTokenIsRefusedFromTheInstantItExpires() {
    String token = tokens.issueAccessToken(USER).token();
    TokenClaims claims = cache.validate(token);

    clock.set(claims.expiresAt().minusMillis(1));
    assertThat(cache.validate(token)).isSameAs(claims);
    clock.set(claims.expiresAt());
    assertThat(reasonOf(() -> cache.validate(token))).isEqualTo(Reason.EXPIRED);
    // Forgotten, so the full check answers the next time, with the same reason.
    assertThat(reasonOf(() -> cache.validate(token))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void refusedTokensAreRefusedEveryTimeWithTheirOwnReason() {
    TokenManager forger = new TokenManager(
        OTHER_SECRET, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, clock);
    String forged = forger.issueAccessToken(USER).token();
    String refresh = tokens.issueRefreshToken(USER).token();

    assertThat(reasonOf(() -> cache.validate(forged))).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(reasonOf(() -> cache.validate(forged))).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(reasonOf(() -> cache.validate(refresh))).isEqualTo(Reason.WRONG_TYPE);
    assertThat(reasonOf(() -> cache.validate(refresh))).isEqualTo(Reason.WRONG_TYPE);
    assertThat(reasonOf(() -> cache.validate(null))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void tokenIssuedTooFarAheadIsAcceptedOnceItsTimeComesNotBefore() {
    // Refused while its iat is ahead of this clock by more than the skew, and not remembered as
    // refused: the same token is accepted when the clock catches up.
    MutableClock issuerClock = new MutableClock(START.plus(Duration.ofMinutes(5)));
    TokenManager aheadIssuer = new TokenManager(
        SECRET, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL, issuerClock);
    String token = aheadIssuer.issueAccessToken(USER).token();

    assertThat(reasonOf(() -> cache.validate(token))).isEqualTo(Reason.ISSUED_IN_THE_FUTURE);
    clock.set(START.plus(Duration.ofMinutes(5)));
    assertThat(cache.validate(token).userId()).isEqualTo(USER);
  }
}
