package com.whatsappclone.auth;

import io.grpc.Context;

/**
 * What the handler of the current call knows that belongs in its outcome log line (the user id,
 * the masked phone number). {@link RpcOutcomeLogger} creates one per call and writes the line.
 */
final class CallLog {

  static final Context.Key<CallLog> KEY = Context.key("auth.call-log");

  private volatile String userId;
  private volatile String maskedPhone;

  /** Records the user the current call is about; ignored outside a logged call. */
  static void user(Object userId) {
    CallLog log = KEY.get();
    if (log != null && userId != null) {
      log.userId = userId.toString();
    }
  }

  /** Records the phone number of the current call, masked. */
  static void phone(String phoneNumber) {
    CallLog log = KEY.get();
    if (log != null && phoneNumber != null && !phoneNumber.isEmpty()) {
      log.maskedPhone = PhoneNumbers.mask(phoneNumber);
    }
  }

  String userId() {
    return userId;
  }

  String maskedPhone() {
    return maskedPhone;
  }
}
