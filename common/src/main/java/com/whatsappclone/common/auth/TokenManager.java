package com.whatsappclone.common.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SignatureException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and validates the HS256 JWTs shared by every service (docs/API.md, "JWT").
 *
 * <p>Wire compatibility with the Go original (golang-jwt): header {@code {"alg":"HS256","typ":"JWT"}},
 * {@code aud} written as a one-element JSON array (what golang-jwt itself writes; it reads both an
 * array and a string, and so do we), {@code iat}/{@code exp} as whole seconds.
 *
 * <p>Expiry has no skew allowance. Every service reads the same clock source in production (NTP)
 * and tokens live 15 minutes, so a skew allowance would only stretch the life of stolen tokens; it
 * also keeps expiry exact and testable. Expiry follows RFC 7519 and golang-jwt: a token is expired
 * from the instant {@code now >= exp}.
 *
 * <p>Beyond the signature, a token must look like one this system issues: {@code iat} not later
 * than now, {@code exp - iat} no longer than the configured lifetime of its type, and {@code exp},
 * {@code iat} and {@code nbf} JSON numbers (RFC 7519 NumericDate, as golang-jwt requires). Those two
 * comparisons allow {@link #ISSUE_CLOCK_SKEW}. A token that breaks them was made with the secret
 * but not by auth (a leaked secret, a test script, a misconfigured issuer), and a 100-year token is
 * exactly what such a forger would want.
 *
 * <p>Sessions: tokens auth issues for a device session carry its id (the user_devices row id) in
 * the claim {@code sid}, so that services can refuse the tokens of a revoked session
 * ({@link SessionRevocations}). The claim is optional on validation: tokens without it (the Go
 * original's, made with the same secret) stay valid and are checked per user instead.
 *
 * <p>Only HS256 is accepted. A token with {@code alg: none}, or signed with HS384/HS512 using the
 * same secret, is refused before its signature is even considered: accepting any algorithm the
 * header names is the classic JWT algorithm-confusion hole.
 */
public final class TokenManager {

  public static final Duration DEFAULT_ACCESS_TTL = Duration.ofMinutes(15);
  public static final Duration DEFAULT_REFRESH_TTL = Duration.ofDays(7);
  public static final int MIN_SECRET_BYTES = 32;
  public static final String ISSUER = "my-auth-service";

  /**
   * How far the issuer's clock may be ahead of ours when {@code iat} and the lifetime are checked.
   * The auth instance that signed the token and the service reading it are different machines:
   * NTP keeps them within milliseconds, but a VM or container resumed from a pause can be seconds
   * off until it resyncs, and refusing freshly issued tokens then would log everyone out. 30 s
   * covers that and lets no token live meaningfully longer than its configured lifetime. It is not
   * applied to {@code exp}, which stays exact (see the class comment).
   */
  public static final Duration ISSUE_CLOCK_SKEW = Duration.ofSeconds(30);

  static final String TYPE_CLAIM = "type";
  /** The session id claim (a user_devices row id); absent from the Go original's tokens. */
  public static final String SESSION_CLAIM = "sid";
  private static final String HS256 = "HS256";

  private final SecretKey key;
  private final Duration accessTtl;
  private final Duration refreshTtl;
  private final Clock clock;
  private final JwtParser parser;

  /** Default lifetimes and the system clock. */
  public TokenManager(String secret) {
    this(secret, DEFAULT_ACCESS_TTL, DEFAULT_REFRESH_TTL, Clock.systemUTC());
  }

  /** The secret is used as its UTF-8 bytes, as the Go original does with {@code []byte(secret)}. */
  public TokenManager(String secret, Duration accessTtl, Duration refreshTtl, Clock clock) {
    this(secret == null ? null : secret.getBytes(StandardCharsets.UTF_8), accessTtl, refreshTtl, clock);
  }

  /**
   * @throws IllegalArgumentException if the secret is missing or shorter than 32 bytes (the service
   *     must refuse to start), or a lifetime is shorter than one second
   */
  public TokenManager(byte[] secret, Duration accessTtl, Duration refreshTtl, Clock clock) {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("JWT_SECRET is not set; it must be at least "
          + MIN_SECRET_BYTES + " bytes");
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("JWT_SECRET is too short: it must be at least "
          + MIN_SECRET_BYTES + " bytes for HS256, got " + secret.length);
    }
    this.accessTtl = requireLifetime(accessTtl, "access token lifetime");
    this.refreshTtl = requireLifetime(refreshTtl, "refresh token lifetime");
    this.clock = Objects.requireNonNull(clock, "clock");
    // SecretKeySpec copies the array, so the caller's buffer can be wiped afterwards.
    this.key = new SecretKeySpec(Arrays.copyOf(secret, secret.length), "HmacSHA256");
    this.parser = Jwts.parser()
        // The algorithm policy lives in the key locator, which runs before any signature check;
        // restricting sig() instead would surface as a signature error and hide the reason.
        .keyLocator(header -> {
          if (!(header instanceof JwsHeader) || !HS256.equals(header.getAlgorithm())) {
            throw new UnsupportedJwtException("only HS256 signed tokens are accepted");
          }
          return key;
        })
        .json(new NumericDatesOnly())
        .clock(() -> Date.from(this.clock.instant()))
        .clockSkewSeconds(0)
        .build();
  }

  Clock clock() {
    return clock;
  }

  public Duration accessTtl() {
    return accessTtl;
  }

  public Duration refreshTtl() {
    return refreshTtl;
  }

  /**
   * An access token WITHOUT {@code sid}, shaped like the Go original's (tests and tools; auth
   * issues {@link #issueAccessToken(String, String)}). Services check such a token against every
   * session of its user: it is refused once any of them was revoked at or after its {@code iat}.
   */
  public IssuedToken issueAccessToken(String userId) {
    return issue(userId, TokenType.ACCESS);
  }

  /** An access token of the session {@code sessionId} (claim {@code sid}). */
  public IssuedToken issueAccessToken(String userId, String sessionId) {
    return issue(userId, TokenType.ACCESS, requireSessionId(sessionId));
  }

  /** A refresh token without {@code sid}. */
  public IssuedToken issueRefreshToken(String userId) {
    return issue(userId, TokenType.REFRESH);
  }

  /** A pair WITHOUT {@code sid} (see {@link #issueAccessToken(String)}). */
  public TokenPair issuePair(String userId) {
    return new TokenPair(issueAccessToken(userId), issueRefreshToken(userId));
  }

  /** A pair for the session {@code sessionId}: both tokens carry it as {@code sid}. */
  public TokenPair issuePair(String userId, String sessionId) {
    requireSessionId(sessionId);
    return new TokenPair(issue(userId, TokenType.ACCESS, sessionId), issue(userId, TokenType.REFRESH, sessionId));
  }

  /** A token without {@code sid}. */
  public IssuedToken issue(String userId, TokenType type) {
    return issue(userId, type, null);
  }

  /** @param sessionId the {@code sid} claim, or null for a token without one */
  public IssuedToken issue(String userId, TokenType type, String sessionId) {
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("userId must not be blank");
    }
    Objects.requireNonNull(type, "type");
    if (sessionId != null) {
      requireSessionId(sessionId);
    }
    // JWT NumericDate has whole seconds; truncating here makes expiresAt equal what the token says.
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = issuedAt.plus(type == TokenType.ACCESS ? accessTtl : refreshTtl)
        .truncatedTo(ChronoUnit.SECONDS);
    String jti = UUID.randomUUID().toString();
    JwtBuilder builder = Jwts.builder()
        .header().type("JWT").and()
        .claim(TYPE_CLAIM, type.claimValue())
        .subject(userId)
        .id(jti)
        .issuer(ISSUER)
        .audience().add(type.audience()).and()
        .issuedAt(Date.from(issuedAt))
        .expiration(Date.from(expiresAt));
    if (sessionId != null) {
      builder.claim(SESSION_CLAIM, sessionId);
    }
    String token = builder.signWith(key, Jwts.SIG.HS256).compact();
    return new IssuedToken(token, jti, expiresAt);
  }

  /** @throws InvalidTokenException unless {@code token} is a valid, unexpired access token */
  public TokenClaims validateAccessToken(String token) {
    return validate(token, TokenType.ACCESS);
  }

  /** @throws InvalidTokenException unless {@code token} is a valid, unexpired refresh token */
  public TokenClaims validateRefreshToken(String token) {
    return validate(token, TokenType.REFRESH);
  }

  /** @throws InvalidTokenException unless {@code token} is a valid, unexpired token of that type */
  public TokenClaims validate(String token, TokenType expected) {
    Objects.requireNonNull(expected, "expected");
    if (token == null || token.isBlank()) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.MALFORMED);
    }
    Claims claims = parse(token.strip(), expected);
    return checkClaims(claims, expected);
  }

  private Claims parse(String token, TokenType expected) {
    try {
      return parser.parseSignedClaims(token).getPayload();
    } catch (ExpiredJwtException e) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.EXPIRED, e);
    } catch (UnsupportedJwtException e) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.UNSUPPORTED_ALGORITHM, e);
    } catch (SignatureException e) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.BAD_SIGNATURE, e);
    } catch (JwtException | IllegalArgumentException e) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.MALFORMED, e);
    }
  }

  private TokenClaims checkClaims(Claims claims, TokenType expected) {
    String type = stringClaim(claims, TYPE_CLAIM, expected);
    if (!expected.claimValue().equals(type)) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.WRONG_TYPE);
    }
    if (!ISSUER.equals(claims.getIssuer())) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.WRONG_ISSUER);
    }
    Set<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(expected.audience())) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.WRONG_AUDIENCE);
    }
    Date expiration = claims.getExpiration();
    Date issuedAt = claims.getIssuedAt();
    String subject = claims.getSubject();
    String jti = claims.getId();
    // A token without exp would never expire; tokens from either issuer always carry all four.
    if (expiration == null || issuedAt == null || isBlank(subject) || isBlank(jti)) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.MISSING_CLAIM);
    }
    Instant now = clock.instant();
    // The parser only rejects now > exp; RFC 7519 and golang-jwt also reject now == exp.
    if (!now.isBefore(expiration.toInstant())) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.EXPIRED);
    }
    if (issuedAt.toInstant().isAfter(now.plus(ISSUE_CLOCK_SKEW))) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.ISSUED_IN_THE_FUTURE);
    }
    Duration lifetime = Duration.between(issuedAt.toInstant(), expiration.toInstant());
    if (lifetime.compareTo(ttlOf(expected).plus(ISSUE_CLOCK_SKEW)) > 0) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.LIFETIME_TOO_LONG);
    }
    return new TokenClaims(subject, expected, jti, issuedAt.toInstant(), expiration.toInstant(),
        sessionClaim(claims, expected));
  }

  private Duration ttlOf(TokenType type) {
    return type == TokenType.ACCESS ? accessTtl : refreshTtl;
  }

  private static String stringClaim(Claims claims, String name, TokenType expected) {
    Object value = claims.get(name);
    if (value == null) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.MISSING_CLAIM);
    }
    if (!(value instanceof String)) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.MALFORMED);
    }
    return (String) value;
  }

  /** {@code sid} is optional; when present it must be a non-blank string. */
  private static Optional<String> sessionClaim(Claims claims, TokenType expected) {
    Object value = claims.get(SESSION_CLAIM);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String sid) || sid.isBlank()) {
      throw new InvalidTokenException(expected, InvalidTokenException.Reason.MALFORMED);
    }
    return Optional.of(sid);
  }

  private static String requireSessionId(String sessionId) {
    if (sessionId == null || sessionId.isBlank()) {
      throw new IllegalArgumentException("sessionId must not be blank");
    }
    return sessionId;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static Duration requireLifetime(Duration ttl, String name) {
    Objects.requireNonNull(ttl, name);
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(name + " must be at least one second, got " + ttl);
    }
    return ttl;
  }
}
