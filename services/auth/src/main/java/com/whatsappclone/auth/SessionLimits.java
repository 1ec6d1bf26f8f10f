package com.whatsappclone.auth;

/** The abuse limits and the session cap the service enforces. */
record SessionLimits(
    RateLimit sendOtpPerPhone,
    RateLimit sendOtpPerIp,
    RateLimit failedVerifyPerPhone,
    int maxSessionsPerUser) {

  static SessionLimits from(AuthSettings settings) {
    return new SessionLimits(settings.sendOtpPerPhone(), settings.sendOtpPerIp(),
        settings.failedVerifyPerPhone(), settings.maxSessionsPerUser());
  }
}
