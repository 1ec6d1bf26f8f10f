package com.whatsappclone.auth;

import com.github.f4b6a3.uuid.UuidCreator;
import com.whatsappclone.common.auth.InvalidTokenException;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.auth.TokenPair;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnauthenticatedException;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.common.text.TextInput;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in and sessions: one-time codes, tokens, rotation with reuse detection, revocation, the
 * abuse limits, and the caller's profile and devices.
 *
 * <p>Tokens name their session ({@code sid}, the user_devices row id). Whatever this service
 * revokes goes into its {@link SessionRevocations} at once, so its own RPCs refuse the session's
 * access tokens without waiting for the poller that tells the other services.
 */
final class AuthService {

  private static final Logger log = LoggerFactory.getLogger(AuthService.class);

  static final int MAX_DEVICE_NAME = 100;
  static final int MAX_DISPLAY_NAME = 100;
  static final int MAX_ABOUT_TEXT = 250;
  /** Rate-limit keys are stored in a varchar(64). */
  private static final int MAX_LIMIT_KEY = 64;

  /** ErrorInfo reasons of the abuse limits: codes requested too often, too many wrong codes. */
  static final String OTP_RATE_LIMITED = "OTP_RATE_LIMITED";
  static final String OTP_LOCKED = "OTP_LOCKED";

  private static final Pattern OTP_CODE = Pattern.compile("[0-9]{4,10}");

  private final UserStore users;
  private final DeviceSessionStore sessions;
  private final RotationWriter rotations;
  private final RateLimitStore limits;
  private final SessionLimits config;
  private final OtpVerifier otp;
  private final TokenManager tokens;
  private final SessionRevocations revocations;
  private final Clock clock;
  private final AuthMetrics metrics;
  private final Counter sendOtpPerIpRefused;
  private final Counter sendOtpPerPhoneRefused;
  private final Counter failedVerifyRefused;

  AuthService(UserStore users, DeviceSessionStore sessions, RotationWriter rotations, RateLimitStore limits,
      SessionLimits config, OtpVerifier otp, TokenManager tokens, SessionRevocations revocations, Clock clock,
      AuthMetrics metrics) {
    this.users = users;
    this.sessions = sessions;
    this.rotations = rotations;
    this.limits = limits;
    this.config = config;
    this.otp = otp;
    this.tokens = tokens;
    this.revocations = revocations;
    this.clock = clock;
    this.metrics = metrics;
    this.sendOtpPerIpRefused = metrics.refusedBy(config.sendOtpPerIp());
    this.sendOtpPerPhoneRefused = metrics.refusedBy(config.sendOtpPerPhone());
    this.failedVerifyRefused = metrics.refusedBy(config.failedVerifyPerPhone());
  }

  /** SendOTP: checks the limits (client IP first, then the number), then has the code sent. */
  void sendOtp(String rawPhone, String clientIp) {
    String phone;
    try {
      phone = PhoneNumbers.requireE164("phone_number", rawPhone);
    } catch (InvalidArgumentException e) {
      metrics.otpSent(AuthMetrics.OtpSent.INVALID);
      throw e;
    }
    CallLog.phone(phone);
    try {
      consume(config.sendOtpPerIp(), sendOtpPerIpRefused, clientIp, OTP_RATE_LIMITED,
          "too many verification codes requested from this network address");
      consume(config.sendOtpPerPhone(), sendOtpPerPhoneRefused, phone, OTP_RATE_LIMITED,
          "phone_number: too many verification codes requested for this number");
    } catch (ResourceExhaustedException e) {
      metrics.otpSent(AuthMetrics.OtpSent.RATE_LIMITED);
      throw e;
    }
    try {
      otp.send(phone);
    } catch (InvalidArgumentException e) { // the provider refuses the number
      metrics.otpSent(AuthMetrics.OtpSent.INVALID);
      throw e;
    } catch (RuntimeException e) { // unreachable, failing, or limiting us
      metrics.otpSent(AuthMetrics.OtpSent.PROVIDER_ERROR);
      throw e;
    }
    metrics.otpSent(AuthMetrics.OtpSent.SENT);
  }

  /**
   * VerifyOTP. A failed attempt uses up one of the number's allowance before the code is even
   * checked, so that parallel guesses cannot slip past the limit; an attempt that was not a wrong
   * code after all (approved, or the provider failing) gives it back. Once the allowance is gone
   * every attempt is refused, with the right code too, until the window ends.
   */
  Login verifyOtp(String rawPhone, String code, String rawDeviceName, String rawDeviceType) {
    String phone;
    String deviceName;
    DeviceType deviceType;
    try {
      phone = PhoneNumbers.requireE164("phone_number", rawPhone);
      CallLog.phone(phone);
      if (code == null || !OTP_CODE.matcher(code).matches()) {
        throw new InvalidArgumentException("INVALID_OTP_CODE", "otp_code", "must be 4 to 10 digits");
      }
      deviceName = TextInput.singleLine("device_id", rawDeviceName, MAX_DEVICE_NAME);
      deviceType = DeviceType.parse("device_type", rawDeviceType);
    } catch (InvalidArgumentException e) {
      metrics.otpVerified(AuthMetrics.OtpVerified.INVALID);
      throw e;
    }

    RateLimit failures = config.failedVerifyPerPhone();
    try {
      consume(failures, failedVerifyRefused, phone, OTP_LOCKED, "otp_code: too many wrong codes for this phone number");
    } catch (ResourceExhaustedException e) {
      metrics.otpVerified(AuthMetrics.OtpVerified.RATE_LIMITED);
      throw e;
    }
    OtpVerifier.Verdict verdict;
    try {
      verdict = otp.verify(phone, code);
    } catch (RuntimeException e) {
      refund(failures, phone);
      metrics.otpVerified(AuthMetrics.OtpVerified.PROVIDER_ERROR);
      throw e;
    }
    if (verdict != OtpVerifier.Verdict.APPROVED) {
      metrics.otpVerified(verdict == OtpVerifier.Verdict.EXPIRED
          ? AuthMetrics.OtpVerified.EXPIRED : AuthMetrics.OtpVerified.WRONG_CODE);
      throw new UnauthenticatedException("OTP_REJECTED", "otp_code is wrong or expired");
    }

    Instant now = clock.instant();
    UUID sessionId = UuidCreator.getTimeOrderedEpoch();
    DeviceSessionStore.OpenedSession<SignIn> opened;
    try {
      // One transaction: the approved attempt's allowance back, the user (created on a first
      // sign-in), the session. Nothing of it stays if any part fails.
      opened = DatabaseException.wrap(() -> sessions.open(sessionId, deviceName, deviceType,
          config.maxSessionsPerUser(), now, c -> {
            RateLimitStore.refund(c, failures, limitKey(phone), now);
            UserStore.FoundUser found = UserStore.findOrCreate(c, phone, now);
            CallLog.user(found.user().id());
            return new SignIn(found, tokens.issuePair(found.user().id().toString(), sessionId.toString()));
          }));
    } catch (RuntimeException e) {
      // Not a wrong code either: give the attempt back on its own (if the database lets us).
      try {
        refund(failures, phone);
      } catch (RuntimeException refundFailed) {
        e.addSuppressed(refundFailed);
      }
      throw e;
    }
    UserStore.FoundUser found = opened.owner().found();
    TokenPair pair = opened.owner().pair();
    User user = found.user();
    if (found.created()) {
      log.info("new user {} signed up", user.id());
    }
    if (!opened.revokedForLimit().isEmpty()) {
      revoked(user.id(), opened.revokedForLimit(), now);
      log.info("user {}: {} least recently used session(s) revoked, more than {} active",
          user.id(), opened.revokedForLimit().size(), config.maxSessionsPerUser());
    }
    metrics.otpVerified(AuthMetrics.OtpVerified.OK);
    return new Login(user, found.created(), sessionId, pair);
  }

  /**
   * ValidateToken: the user id of a valid, unexpired access token of a session that was not
   * revoked; empty for anything else, including a well-signed token whose subject is not a user
   * id (e.g. {@code "admin"}), which every other RPC refuses too.
   */
  Optional<String> validateAccessToken(String token) {
    try {
      TokenClaims claims = tokens.validateAccessToken(token);
      return revocations.isRevoked(claims) ? Optional.empty()
          : Ids.tryParse(claims.userId()).map(UUID::toString);
    } catch (InvalidTokenException e) {
      return Optional.empty();
    }
  }

  /**
   * RefreshToken: a new pair for the session of {@code refreshToken} (same session id), whose hash
   * is replaced. A token that was rotated away already revokes its whole session: either the
   * client or someone who stole the token is replaying it, and the server cannot tell which.
   */
  TokenPair refresh(String refreshToken) {
    UUID userId;
    Optional<UUID> claimedSession;
    try {
      TokenClaims claims = tokens.validateRefreshToken(refreshToken);
      userId = userIdOf(claims);
      claimedSession = claims.sessionId().flatMap(Ids::tryParse);
    } catch (UnauthenticatedException e) { // not a valid refresh token (InvalidTokenException too)
      metrics.refreshed(AuthMetrics.Refreshed.INVALID);
      throw e;
    }
    CallLog.user(userId);
    String oldHash = TokenHashes.sha256Hex(refreshToken.strip());
    Instant now = clock.instant();
    // The new pair must name the session. A token that names its own (sid, signed by us) needs no
    // look-up: the rotation below is one UPDATE that only applies while this token is that
    // session's current one (a concurrent rotation or revocation wins over this one), so a refresh
    // is one round trip. Only a token without sid looks its session up first.
    Optional<UUID> session = claimedSession.isPresent() ? claimedSession
        : DatabaseException.wrap(() -> sessions.currentSession(userId, oldHash));
    TokenPair pair = session.map(id -> tokens.issuePair(userId.toString(), id.toString())).orElse(null);
    DeviceSessionStore.TokenResult result = DatabaseException.wrap(() -> {
      if (session.isPresent() && rotations.rotate(new DeviceSessionStore.Rotation(session.get(), userId, oldHash,
          TokenHashes.sha256Hex(pair.refresh().token()), UUID.fromString(pair.access().jti()), now))) {
        return new DeviceSessionStore.TokenResult(DeviceSessionStore.TokenOutcome.APPLIED, session.get());
      }
      return sessions.notCurrent(userId, oldHash, now);
    });
    switch (result.outcome()) {
      case APPLIED:
        metrics.refreshed(AuthMetrics.Refreshed.OK);
        return pair;
      case REUSE_DETECTED:
        metrics.refreshed(AuthMetrics.Refreshed.REUSED);
        throw reuseDetected(userId, result.sessionId(), now);
      case ALREADY_REVOKED:
        metrics.refreshed(AuthMetrics.Refreshed.REVOKED);
        throw new UnauthenticatedException(Reasons.SESSION_REVOKED,
            "refresh token's session has been revoked");
      default:
        metrics.refreshed(AuthMetrics.Refreshed.INVALID);
        throw new UnauthenticatedException("REFRESH_TOKEN_UNKNOWN", "refresh token is not known");
    }
  }

  /**
   * A rotated refresh token came back: either the client or someone who stole it replays it, and
   * the server cannot tell which, so the whole session ends.
   */
  private UnauthenticatedException reuseDetected(UUID userId, UUID sessionId, Instant now) {
    revoked(userId, List.of(sessionId), now);
    log.warn("user {}: a rotated refresh token was presented again; session {} revoked", userId, sessionId);
    return new UnauthenticatedException("REFRESH_TOKEN_REUSED",
        "refresh token was already used; its session has been revoked");
  }

  /** RevokeCurrentDevice: ends the session of {@code refreshToken}; revoking twice is fine. */
  void revokeCurrentDevice(String refreshToken) {
    UUID userId = refreshTokenUser(refreshToken);
    CallLog.user(userId);
    Instant now = clock.instant();
    DeviceSessionStore.TokenResult result = DatabaseException.wrap(() ->
        sessions.revokeByToken(userId, TokenHashes.sha256Hex(refreshToken.strip()), now));
    switch (result.outcome()) {
      case APPLIED:
        revoked(userId, List.of(result.sessionId()), now);
        return;
      case ALREADY_REVOKED:
        return;
      case REUSE_DETECTED:
        throw reuseDetected(userId, result.sessionId(), now);
      default:
        throw new UnauthenticatedException("REFRESH_TOKEN_UNKNOWN", "refresh token is not known");
    }
  }

  /**
   * LogoutAllDevices: ends every session of the access token's user; returns how many. The token
   * of a revoked session is refused like an invalid one: it must not end the sessions its user
   * opened after the revocation.
   */
  int logoutAllDevices(String accessToken) {
    TokenClaims claims = tokens.validateAccessToken(accessToken);
    if (revocations.isRevoked(claims)) {
      throw new UnauthenticatedException(Reasons.SESSION_REVOKED, SessionRevocations.REVOKED_MESSAGE);
    }
    UUID userId = userIdOf(claims);
    CallLog.user(userId);
    Instant now = clock.instant();
    List<UUID> ended = DatabaseException.wrap(() -> sessions.revokeAll(userId, now));
    revoked(userId, ended, now);
    log.info("user {}: logged out of {} session(s)", userId, ended.size());
    return ended.size();
  }

  User getMe(String callerId) {
    UUID userId = callerUuid(callerId);
    return DatabaseException.wrap(() -> users.findById(userId))
        .orElseThrow(() -> new NotFoundException(Reasons.USER_NOT_FOUND, "user not found"));
  }

  /** UpdateProfile: validates and applies the fields present; with none present it changes nothing. */
  User updateProfile(String callerId, String displayName, String aboutText, String pictureUrl) {
    UUID userId = callerUuid(callerId);
    ProfileUpdate update = new ProfileUpdate(
        displayName == null ? null : TextInput.singleLine("display_name", displayName, MAX_DISPLAY_NAME),
        aboutText == null ? null : TextInput.multiLine("about_text", aboutText, MAX_ABOUT_TEXT),
        pictureUrl == null ? null : TextInput.httpUrl("profile_picture_url", pictureUrl));
    if (update.isEmpty()) {
      return getMe(callerId);
    }
    return DatabaseException.wrap(() -> users.updateProfile(userId, update, clock.instant()))
        .orElseThrow(() -> new NotFoundException(Reasons.USER_NOT_FOUND, "user not found"));
  }

  /** A listed session and whether it is the caller's own. */
  record DeviceView(DeviceSession session, boolean current) {}

  /**
   * ListDevices: the caller's active sessions, most recently used first. The caller's own is the
   * one its token names ({@code sid}); for a token without sid, the one whose newest access token
   * it is.
   */
  List<DeviceView> listDevices(String callerId, Optional<String> callerSessionId,
      Optional<String> callerAccessTokenJti) {
    UUID userId = callerUuid(callerId);
    Optional<UUID> session = callerSessionId.flatMap(Ids::tryParse);
    Optional<UUID> jti = callerAccessTokenJti.flatMap(Ids::tryParse);
    return DatabaseException.wrap(() -> sessions.listActive(userId)).stream()
        .map(s -> new DeviceView(s, session.isPresent()
            ? session.get().equals(s.id())
            : jti.isPresent() && jti.get().equals(s.accessTokenJti())))
        .toList();
  }

  /** RevokeDevice: ends one of the caller's active sessions. */
  void revokeDevice(String callerId, String rawSessionId) {
    UUID userId = callerUuid(callerId);
    UUID sessionId = Ids.parse("id", rawSessionId, "a device id from ListDevices");
    Instant now = clock.instant();
    if (!DatabaseException.wrap(() -> sessions.revokeById(userId, sessionId, now))) {
      throw new NotFoundException("DEVICE_NOT_FOUND", "device not found among your active sessions");
    }
    revoked(userId, List.of(sessionId), now);
  }

  /** Sessions this service just revoked (committed): refused here at once. */
  private void revoked(UUID userId, List<UUID> sessionIds, Instant at) {
    revocations.addAll(sessionIds.stream()
        .map(id -> new SessionRevocations.Revocation(id.toString(), userId.toString(), at))
        .toList());
  }

  /** Takes one use of {@code limit} for {@code key}, or refuses with RESOURCE_EXHAUSTED. */
  private void consume(RateLimit limit, Counter refused, String key, String reason, String message) {
    Instant now = clock.instant();
    RateLimitStore.Decision decision = DatabaseException.wrap(() -> limits.tryConsume(limit, limitKey(key), now));
    if (!decision.allowed()) {
      refused.increment();
      Duration untilReset = Duration.between(now, decision.resetsAt());
      if (untilReset.compareTo(Duration.ofMillis(1)) < 0) {
        untilReset = Duration.ofMillis(1);
      }
      long seconds = Math.max(1, (untilReset.toMillis() + 999) / 1000);
      // The window's end is when the call can succeed again: clients get it as RetryInfo too.
      throw new ResourceExhaustedException(reason, message + "; try again in " + seconds + " s", untilReset);
    }
  }

  private void refund(RateLimit limit, String key) {
    DatabaseException.wrap(() -> {
      limits.refund(limit, limitKey(key), clock.instant());
      return null;
    });
  }

  private static String limitKey(String key) {
    return key.length() <= MAX_LIMIT_KEY ? key : key.substring(0, MAX_LIMIT_KEY);
  }

  /** The user of a valid refresh token; UNAUTHENTICATED for anything else (an access token too). */
  private UUID refreshTokenUser(String refreshToken) {
    return userIdOf(tokens.validateRefreshToken(refreshToken));
  }

  private static UUID userIdOf(TokenClaims claims) {
    return Ids.caller(claims.userId());
  }

  private static UUID callerUuid(String callerId) {
    return Ids.caller(callerId);
  }

  /** The user a sign-in found or created and the tokens of its new session. */
  private record SignIn(UserStore.FoundUser found, TokenPair pair) implements DeviceSessionStore.SessionOwner {
    @Override
    public UUID userId() {
      return found.user().id();
    }

    @Override
    public String refreshTokenHash() {
      return TokenHashes.sha256Hex(pair.refresh().token());
    }

    @Override
    public UUID accessTokenJti() {
      return UUID.fromString(pair.access().jti());
    }
  }
}
