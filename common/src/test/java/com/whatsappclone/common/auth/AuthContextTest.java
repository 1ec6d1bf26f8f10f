package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.UnauthenticatedException;
import io.grpc.Context;
import org.junit.jupiter.api.Test;

class AuthContextTest {

  @Test
  void outsideAnAuthenticatedCallThereIsNoUser() {
    assertThat(AuthContext.userId()).isEmpty();
    assertThatThrownBy(AuthContext::currentUserId).isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  void insideAContextWithTheKeyTheUserIsVisible() throws Exception {
    String seen = Context.current().withValue(AuthContext.USER_ID, "u-1")
        .call(AuthContext::currentUserId);

    assertThat(seen).isEqualTo("u-1");
  }
}
