package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestDatabaseTest {

  @Test
  void credentialsAreAddedToTheUrlEncodedAndAMissingPasswordAsAnEmptyOne() {
    assertThat(new TestDatabase("jdbc:postgresql://localhost:5432/t1", "a b", "p&w").jdbcUrlWithCredentials())
        .isEqualTo("jdbc:postgresql://localhost:5432/t1?user=a+b&password=p%26w");
    assertThat(new TestDatabase("jdbc:postgresql://localhost:5432/t1?ssl=false", "u", null).jdbcUrlWithCredentials())
        .isEqualTo("jdbc:postgresql://localhost:5432/t1?ssl=false&user=u&password=");
  }
}
