package com.whatsappclone.auth;

/**
 * Sends one-time codes and checks them: Twilio Verify in production, a fixed code in dev mode.
 *
 * <p>Failures of the provider surface as domain exceptions: {@code UnavailableException} when it
 * cannot be reached or fails, {@code ResourceExhaustedException} when it rate-limits us, and
 * {@code InvalidArgumentException} (field {@code phone_number}) when it refuses the number.
 */
interface OtpVerifier {

  /** Starts a verification: an SMS with a code goes to {@code phoneNumber} (E.164). */
  void send(String phoneNumber);

  /** What a check found; metrics tell a wrong code from one no longer pending. */
  enum Verdict {
    APPROVED,
    /** A code is pending and this is not it. */
    WRONG,
    /** No code is pending any more: expired, already used, or out of the provider's attempts. */
    EXPIRED
  }

  /** Whether {@code code} is the pending, unexpired code of the number's verification. */
  default boolean check(String phoneNumber, String code) {
    return verify(phoneNumber, code) == Verdict.APPROVED;
  }

  /** {@link #check}, saying why a code did not pass. */
  Verdict verify(String phoneNumber, String code);
}
