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

  /** Whether {@code code} is the pending, unexpired code of the number's verification. */
  boolean check(String phoneNumber, String code);
}
