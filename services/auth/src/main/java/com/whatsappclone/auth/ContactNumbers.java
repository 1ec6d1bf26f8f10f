package com.whatsappclone.auth;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Address-book numbers as people write them ("0532 123 45 67", "+1 (415) 555-2671") turned into
 * E.164, and the sweep check of contact discovery.
 */
final class ContactNumbers {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  /** Longer input is not a phone number in any format; libphonenumber is not asked. */
  static final int MAX_INPUT = 64;
  /** Two numbers at most this far apart (same length, numerically) count as neighbours of a run. */
  static final long SWEEP_MAX_GAP = 10;
  /**
   * A page with this many new numbers that each have a neighbour is a sweep of a number range, not
   * an address book: people rarely know more than a handful of numbers in one block of ten.
   */
  static final int SWEEP_MIN_NUMBERS = 100;

  private ContactNumbers() {}

  /**
   * The region a number written without a country code is taken to be in: the caller's own
   * number's country ("TR" for +90...), or none ("ZZ", then only numbers with '+' parse).
   */
  static String defaultRegion(String callerE164) {
    try {
      String region = UTIL.getRegionCodeForNumber(UTIL.parse(callerE164, null));
      return region == null ? "ZZ" : region;
    } catch (NumberParseException e) {
      return "ZZ";
    }
  }

  /** The number in E.164 if it is a valid number in some format; empty otherwise. */
  static Optional<String> toE164(String raw, String defaultRegion) {
    if (raw == null || raw.isBlank() || raw.length() > MAX_INPUT) {
      return Optional.empty();
    }
    try {
      PhoneNumber parsed = UTIL.parse(raw.strip(), defaultRegion);
      if (!UTIL.isValidNumber(parsed)) {
        return Optional.empty();
      }
      return Optional.of(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code numbers} (E.164) look like a sweep of a range: at least
   * {@link #SWEEP_MIN_NUMBERS} of them lie within {@link #SWEEP_MAX_GAP} of another one.
   */
  static boolean isSweep(Collection<String> numbers) {
    if (numbers.size() < SWEEP_MIN_NUMBERS) {
      return false;
    }
    // Numbers of different lengths are not neighbours ("+9053212" and "+90532120").
    Map<Integer, List<Long>> byLength = new HashMap<>();
    for (String number : numbers) {
      byLength.computeIfAbsent(number.length(), k -> new ArrayList<>()).add(Long.parseLong(number.substring(1)));
    }
    int inRuns = 0;
    for (List<Long> values : byLength.values()) {
      values.sort(null);
      for (int i = 0; i < values.size(); i++) {
        boolean nearPrevious = i > 0 && values.get(i) - values.get(i - 1) <= SWEEP_MAX_GAP;
        boolean nearNext = i + 1 < values.size() && values.get(i + 1) - values.get(i) <= SWEEP_MAX_GAP;
        if (nearPrevious || nearNext) {
          inRuns++;
        }
      }
    }
    return inRuns >= SWEEP_MIN_NUMBERS;
  }
}
