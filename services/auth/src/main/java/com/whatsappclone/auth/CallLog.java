package com.whatsappclone.auth;

import com.whatsappclone.common.grpc.CallOutcomeLog;

/**
 * What the handler of the current call knows that belongs in its outcome log line (the user id,
 * the masked phone number), written by the {@link CallOutcomeLog} AuthApplication installs.
 */
final class CallLog {

  /** The logger of auth's outcome lines. */
  static final String LOGGER = "com.whatsappclone.auth.rpc";
  static final String PHONE = "phone";

  private CallLog() {}

  /** The interceptor writing auth's lines: {@code rpc=... code=... user=... phone=... request_id=... ms=...}. */
  static CallOutcomeLog interceptor() {
    return new CallOutcomeLog(LOGGER, PHONE);
  }

  /** Records the user the current call is about; ignored outside a logged call. */
  static void user(Object userId) {
    if (userId != null) {
      CallOutcomeLog.note(CallOutcomeLog.USER, userId.toString());
    }
  }

  /** Records the phone number of the current call, masked. */
  static void phone(String phoneNumber) {
    if (phoneNumber != null && !phoneNumber.isEmpty()) {
      CallOutcomeLog.note(PHONE, PhoneNumbers.mask(phoneNumber));
    }
  }
}
