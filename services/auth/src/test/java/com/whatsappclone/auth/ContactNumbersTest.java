package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Address-book numbers to E.164 with the caller's country as default, and the sweep rule. */
class ContactNumbersTest {

  @Test
  void theCallersCountryIsTheDefaultRegion() {
    assertThat(ContactNumbers.defaultRegion("+905321234567")).isEqualTo("TR");
    assertThat(ContactNumbers.defaultRegion("+14155552671")).isEqualTo("US");
    assertThat(ContactNumbers.defaultRegion("+442079460000")).isEqualTo("GB");
  }

  @Test
  void numbersInCommonFormatsBecomeE164() {
    assertThat(ContactNumbers.toE164("0532 123 45 67", "TR")).contains("+905321234567");
    assertThat(ContactNumbers.toE164("(0532) 123-4567", "TR")).contains("+905321234567");
    assertThat(ContactNumbers.toE164("+90 532 123 45 67", "US")).contains("+905321234567");
    assertThat(ContactNumbers.toE164("00905321234567", "GB")).contains("+905321234567");
    assertThat(ContactNumbers.toE164("(415) 555-2671", "US")).contains("+14155552671");
    assertThat(ContactNumbers.toE164("020 7946 0000", "GB")).contains("+442079460000");
    // The README's walk-through.
    assertThat(ContactNumbers.toE164("0555 987 65 43", "TR")).contains("+905559876543");
    assertThat(ContactNumbers.toE164("+90 555 000 11 22", "TR")).contains("+905550001122");
  }

  @Test
  void theSameNationalDigitsDependOnTheDefaultRegion() {
    assertThat(ContactNumbers.toE164("4155552671", "US")).contains("+14155552671");
    assertThat(ContactNumbers.toE164("4155552671", "TR")).isNotEqualTo(Optional.of("+14155552671"));
  }

  @Test
  void whatIsNoValidNumberIsRefused() {
    for (String raw : List.of("", "   ", "hello", "123", "+999 123 4567", "0532 123", "1".repeat(65))) {
      assertThat(ContactNumbers.toE164(raw, "TR")).as(raw).isEmpty();
    }
    assertThat(ContactNumbers.toE164(null, "TR")).isEmpty();
    // Without a default region only numbers with a country code parse.
    assertThat(ContactNumbers.toE164("0532 123 45 67", "ZZ")).isEmpty();
  }

  @Test
  void aRunOfNeighbouringNumbersIsASweepAndAScatteredBookIsNot() {
    List<String> run = new ArrayList<>();
    for (int i = 0; i < ContactNumbers.SWEEP_MIN_NUMBERS; i++) {
      run.add("+90532" + (4_000_000 + i));
    }
    assertThat(ContactNumbers.isSweep(run)).isTrue();
    assertThat(ContactNumbers.isSweep(run.subList(0, ContactNumbers.SWEEP_MIN_NUMBERS - 1))).isFalse();

    List<String> strided = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      strided.add("+90532" + (4_000_000 + i * 7));
    }
    assertThat(ContactNumbers.isSweep(strided)).as("gaps of 7 are still a sweep").isTrue();

    List<String> scattered = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      scattered.add("+90532" + (1_000_000 + i * 6_997));
    }
    // A few families and offices with neighbouring numbers do not make an address book a sweep.
    for (int i = 0; i < 20; i++) {
      scattered.add("+90212" + (5_000_000 + i));
    }
    assertThat(ContactNumbers.isSweep(scattered)).isFalse();
  }
}
