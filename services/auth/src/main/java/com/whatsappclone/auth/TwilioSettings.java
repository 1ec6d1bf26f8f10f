package com.whatsappclone.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where and how to reach Twilio Verify.
 *
 * @param apiBaseUrl when present, every Twilio request goes to this scheme, host and port instead of
 *     Twilio's own ({@code https://verify.twilio.com}); the path stays Twilio's
 * @param timeout the most one HTTP exchange with Twilio may take (connecting, then the response)
 */
record TwilioSettings(String accountSid, String authToken, String verifyServiceSid,
    Optional<URI> apiBaseUrl, Duration timeout) {

  /** Never prints the auth token. */
  @Override
  public String toString() {
    return "TwilioSettings[accountSid=" + accountSid + ", verifyServiceSid=" + verifyServiceSid
        + ", apiBaseUrl=" + apiBaseUrl.map(URI::toString).orElse("(Twilio)") + ", timeout=" + timeout + "]";
  }
}
