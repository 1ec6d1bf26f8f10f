package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

  @Test
  void acceptsValidNumbersInE164() {
    for (String valid : new String[] {"+905321234567", "+447911123456", "+14155552671", "+4915112345678"}) {
      assertThat(PhoneNumbers.requireE164("phone_number", valid)).isEqualTo(valid);
    }
    assertThat(PhoneNumbers.requireE164("phone_number", TestPhones.next())).startsWith("+90532");
  }

  @Test
  void refusesOtherFormsAndInvalidNumbersWithoutEchoingThem() {
    for (String invalid : new String[] {"905321234567", "+90 532 123 45 67", "+90-532-1234567", "+0905321234567",
        "+9053212", "+999123456789", "tel:+905321234567"}) {
      assertThatThrownBy(() -> PhoneNumbers.requireE164("phone_number", invalid))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageStartingWith("phone_number:")
          .hasMessageNotContaining(invalid);
    }
  }

  @Test
  void masksAllButTheLastTwoDigits() {
    assertThat(PhoneNumbers.mask("+905321234567")).isEqualTo("***67");
  }
}
