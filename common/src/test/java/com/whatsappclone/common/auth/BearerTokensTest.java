package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokensTest {

  @ParameterizedTest
  @ValueSource(strings = {"Bearer a.b.c", "bearer a.b.c", "BEARER a.b.c", "  Bearer   a.b.c \t",
      "Bearer\ta.b.c"})
  void bearerSchemeInAnyCaseYieldsTheToken(String value) {
    assertThat(BearerTokens.extract(value)).contains("a.b.c");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"Bearer", "Bearer   ", "Bearera.b.c", "a.b.c", "Basic a.b.c", "Token a.b.c"})
  void anythingElseYieldsNothing(String value) {
    assertThat(BearerTokens.extract(value)).isEmpty();
  }
}
