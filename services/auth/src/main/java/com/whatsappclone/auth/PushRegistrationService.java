package com.whatsappclone.auth;

import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.error.FailedPreconditionException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnauthenticatedException;
import com.whatsappclone.common.text.Ids;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RegisterPushToken and RemovePushToken (issue 18): the caller's own device session, the one its
 * access token names ({@code sid}), says where its device is pushed to. A token without sid (the
 * Go original's) names no session, so there is nothing to register on.
 */
final class PushRegistrationService {

  private static final Logger log = LoggerFactory.getLogger(PushRegistrationService.class);

  private final PushRegistrationStore store;
  private final Clock clock;

  PushRegistrationService(PushRegistrationStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The caller's session with its new registration. */
  DeviceSession register(String callerId, Optional<TokenClaims> claims, PushTokenRegistration registration) {
    UUID userId = Ids.caller(callerId);
    UUID sessionId = callerSession(claims);
    PushRegistrationStore.Registered registered = DatabaseException.wrap(() ->
        store.register(userId, sessionId, registration, clock.instant()))
        .orElseThrow(PushRegistrationService::sessionGone);
    if (registered.movedFrom() > 0) {
      log.info("user {}: push token of session {} moved from {} other session(s)", userId, sessionId,
          registered.movedFrom());
    }
    return registered.session();
  }

  /** Whether the caller's session had a token. */
  boolean remove(String callerId, Optional<TokenClaims> claims) {
    UUID userId = Ids.caller(callerId);
    UUID sessionId = callerSession(claims);
    return switch (DatabaseException.wrap(() -> store.remove(userId, sessionId))) {
      case REMOVED -> true;
      case NONE -> false;
      case NOT_ACTIVE -> throw sessionGone();
    };
  }

  private static UUID callerSession(Optional<TokenClaims> claims) {
    return claims.flatMap(TokenClaims::sessionId).flatMap(Ids::tryParse)
        .orElseThrow(() -> new FailedPreconditionException(Reasons.SESSION_REQUIRED,
            "the access token names no device session (no sid claim, as the original's tokens): "
                + "call RefreshToken or sign in again for one that does"));
  }

  /**
   * The interceptor refuses a revoked session's token before the call gets here; this is the
   * revocation that another instance made and this one has not polled yet, answered the same way.
   */
  private static UnauthenticatedException sessionGone() {
    return new UnauthenticatedException(Reasons.SESSION_REVOKED, SessionRevocations.REVOKED_MESSAGE);
  }
}
