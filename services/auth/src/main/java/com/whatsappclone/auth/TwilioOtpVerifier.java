package com.whatsappclone.auth;

import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.verify.v2.service.Verification;
import com.twilio.rest.verify.v2.service.VerificationCheck;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio Verify through twilio-java: SendOTP creates a verification on the SMS channel, VerifyOTP
 * runs a verification check that passes only with status {@code approved}.
 *
 * <p>How Twilio's answers map: 404 on a check means the verification is gone (expired, already
 * approved, or too many attempts), so the code is refused like a wrong one; 429 is Twilio limiting
 * us (RESOURCE_EXHAUSTED); 5xx, a transport failure or rejected credentials make SMS verification
 * unavailable (UNAVAILABLE); a 400 when sending means the number cannot get an SMS code.
 */
final class TwilioOtpVerifier implements OtpVerifier {

  private static final Logger log = LoggerFactory.getLogger(TwilioOtpVerifier.class);

  static final String CHANNEL = "sms";
  static final String APPROVED = "approved";

  private final TwilioRestClient client;
  private final String verifyServiceSid;

  TwilioOtpVerifier(TwilioRestClient client, String verifyServiceSid) {
    this.client = client;
    this.verifyServiceSid = verifyServiceSid;
  }

  static TwilioOtpVerifier create(TwilioSettings settings) {
    TwilioRestClient client = new TwilioRestClient.Builder(settings.accountSid(), settings.authToken())
        .httpClient(new TwilioHttpTransport(settings.apiBaseUrl(), settings.timeout()))
        .build();
    return new TwilioOtpVerifier(client, settings.verifyServiceSid());
  }

  @Override
  public void send(String phoneNumber) {
    try {
      Verification.creator(verifyServiceSid, phoneNumber, CHANNEL).create(client);
    } catch (TwilioException e) {
      Integer status = httpStatus(e);
      if (status != null && status == 400) {
        log.info("Twilio refused to send to {}: error {}", PhoneNumbers.mask(phoneNumber), twilioCode(e));
        throw new InvalidArgumentException("PHONE_CANNOT_RECEIVE_SMS", "phone_number", "cannot receive SMS verification codes");
      }
      throw translate(e, "send");
    }
  }

  @Override
  public Verdict verify(String phoneNumber, String code) {
    VerificationCheck check;
    try {
      check = VerificationCheck.creator(verifyServiceSid).setTo(phoneNumber).setCode(code).create(client);
    } catch (TwilioException e) {
      Integer status = httpStatus(e);
      if (status != null && status == 404) {
        // 404: no pending verification any more (expired, approved or out of attempts).
        return Verdict.EXPIRED;
      }
      if (status != null && status == 400) {
        return Verdict.WRONG;
      }
      throw translate(e, "check");
    }
    return check != null && APPROVED.equals(check.getStatus()) ? Verdict.APPROVED : Verdict.WRONG;
  }

  private static RuntimeException translate(TwilioException e, String operation) {
    Integer status = httpStatus(e);
    if (status != null && status == 429) {
      log.warn("Twilio is rate-limiting verification {} requests (error {})", operation, twilioCode(e));
      return new ResourceExhaustedException("SMS_PROVIDER_RATE_LIMITED", "too many verification requests, try again later");
    }
    if (status != null && (status == 401 || status == 403)) {
      log.error("Twilio rejected our credentials on verification {} (HTTP {}, error {}): check TWILIO_ACCOUNT_SID, "
          + "TWILIO_AUTH_TOKEN and TWILIO_VERIFY_SERVICE_SID", operation, status, twilioCode(e));
    } else {
      // Twilio's messages describe the request, not secrets, but may quote the number: keep them out.
      log.warn("Twilio verification {} failed: {} (HTTP {}, error {})", operation,
          e.getClass().getSimpleName(), status == null ? "-" : status, twilioCode(e));
    }
    return new UnavailableException("SMS_PROVIDER_UNAVAILABLE", "SMS verification is unavailable, try again later");
  }

  private static Integer httpStatus(TwilioException e) {
    return e instanceof ApiException ? ((ApiException) e).getStatusCode() : null;
  }

  private static String twilioCode(TwilioException e) {
    Integer code = e instanceof ApiException ? ((ApiException) e).getCode() : null;
    return code == null ? "-" : code.toString();
  }
}
