package com.whatsappclone.common.error;

/**
 * The {@code ErrorInfo} reasons more than one place gives; a reason only one service gives is
 * written at its throw site. Every reason is listed in common/README.md ("Errors"). Reasons are
 * part of the API: never rename one.
 */
public final class Reasons {

  /** A required request field is empty. */
  public static final String FIELD_REQUIRED = "FIELD_REQUIRED";
  /** An id field is not a canonical UUID. */
  public static final String INVALID_ID = "INVALID_ID";
  /** A text field has characters it may not have (control characters). */
  public static final String INVALID_TEXT = "INVALID_TEXT";
  /** A text field is longer than allowed. */
  public static final String TEXT_TOO_LONG = "TEXT_TOO_LONG";
  /** A URL field is not an absolute http(s) URL. */
  public static final String INVALID_URL = "INVALID_URL";

  /** No bearer token where one is required. */
  public static final String TOKEN_MISSING = "TOKEN_MISSING";
  /** The access token expired: refresh it. */
  public static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";
  /** The token is malformed, badly signed or of the wrong kind. */
  public static final String TOKEN_INVALID = "TOKEN_INVALID";
  /** The token's subject is not a user id. */
  public static final String TOKEN_SUBJECT_INVALID = "TOKEN_SUBJECT_INVALID";
  /** The token's session was revoked (logout, device removed, refresh token reuse). */
  public static final String SESSION_REVOKED = "SESSION_REVOKED";
  /**
   * The call acts on the caller's device session, and the access token names none (no {@code sid}:
   * a token of the Go original); a token from RefreshToken or a new sign-in does.
   */
  public static final String SESSION_REQUIRED = "SESSION_REQUIRED";

  /** A per-caller rate limit; the status carries RetryInfo. */
  public static final String RATE_LIMITED = "RATE_LIMITED";
  /** A server is working on as many calls as it takes; the status carries RetryInfo. */
  public static final String SERVER_OVERLOADED = "SERVER_OVERLOADED";
  /** The conversation does not exist. */
  public static final String CONVERSATION_NOT_FOUND = "CONVERSATION_NOT_FOUND";
  /** The caller is not a participant of the conversation. */
  public static final String NOT_A_PARTICIPANT = "NOT_A_PARTICIPANT";
  /** The message does not exist (for the caller, in that conversation). */
  public static final String MESSAGE_NOT_FOUND = "MESSAGE_NOT_FOUND";
  /** The user does not exist. */
  public static final String USER_NOT_FOUND = "USER_NOT_FOUND";

  /** The database cannot be reached. */
  public static final String DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE";
  /** Kafka cannot be reached or did not acknowledge in time. */
  public static final String QUEUE_UNAVAILABLE = "QUEUE_UNAVAILABLE";
  /** A bug; the message carries a reference id that is in the server log. */
  public static final String INTERNAL = "INTERNAL";

  private Reasons() {}
}
