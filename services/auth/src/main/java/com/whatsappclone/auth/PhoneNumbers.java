package com.whatsappclone.auth;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.whatsappclone.common.error.InvalidArgumentException;
import java.util.regex.Pattern;

/** Phone numbers as the users table keeps them: E.164 ({@code +905551234567}), nothing else. */
final class PhoneNumbers {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  /** E.164: '+', a country code not starting with 0, at most 15 digits in all. */
  static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final String EXAMPLE = "e.g. +905551234567";
  /** ErrorInfo reason of any refused number. */
  static final String INVALID_PHONE_NUMBER = "INVALID_PHONE_NUMBER";

  private PhoneNumbers() {}

  /**
   * The number, checked to be a valid number written in E.164. Only the canonical form is accepted
   * (no spaces, dashes or national prefixes): it is the users table's key, and "+90 555..." must not
   * become a second account of "+90555...".
   *
   * @throws InvalidArgumentException naming {@code field}; the message never echoes the input
   */
  static String requireE164(String field, String raw) {
    if (raw == null || raw.isEmpty()) {
      throw new InvalidArgumentException(INVALID_PHONE_NUMBER, field, "is required, in E.164 form (" + EXAMPLE + ")");
    }
    if (!E164.matcher(raw).matches()) {
      throw new InvalidArgumentException(INVALID_PHONE_NUMBER, field, "must be in E.164 form: '+', country code and number, digits only ("
          + EXAMPLE + ")");
    }
    PhoneNumber parsed;
    try {
      parsed = UTIL.parse(raw, null);
    } catch (NumberParseException e) {
      throw new InvalidArgumentException(INVALID_PHONE_NUMBER, field, "is not a phone number (" + EXAMPLE + ")");
    }
    if (!UTIL.isValidNumber(parsed)
        || !raw.equals(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164))) {
      throw new InvalidArgumentException(INVALID_PHONE_NUMBER, field, "is not a valid phone number (" + EXAMPLE + ")");
    }
    return raw;
  }

  /** For logs: the last two digits only ({@code ***67}). */
  static String mask(String phone) {
    if (phone == null || phone.length() < 2) {
      return "***";
    }
    return "***" + phone.substring(phone.length() - 2);
  }
}
