package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PublicMethodsTest {

  final PublicMethods defaults = PublicMethods.defaults();

  @Test
  void everyAuthServiceMethodIsPublic() {
    assertThat(defaults.isPublic("auth.AuthService/SendOTP")).isTrue();
    assertThat(defaults.isPublic("auth.AuthService/RefreshToken")).isTrue();
  }

  @Test
  void healthAndBothReflectionVersionsArePublic() {
    assertThat(defaults.isPublic("grpc.health.v1.Health/Check")).isTrue();
    assertThat(defaults.isPublic("grpc.health.v1.Health/Watch")).isTrue();
    assertThat(defaults.isPublic("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")).isTrue();
    assertThat(defaults.isPublic("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"))
        .isTrue();
  }

  @Test
  void otherServicesAndLookalikeNamesAreNotPublic() {
    assertThat(defaults.isPublic("chat.ChatService/SendMessage")).isFalse();
    assertThat(defaults.isPublic("proto.RealtimeService/Connect")).isFalse();
    assertThat(defaults.isPublic("auth.AuthServiceAdmin/Wipe")).isFalse();
    assertThat(defaults.isPublic(null)).isFalse();
  }

  @Test
  void exactPatternsMatchOnlyThatMethod() {
    PublicMethods custom = new PublicMethods(Set.of("chat.ChatService/GetConversations"));

    assertThat(custom.isPublic("chat.ChatService/GetConversations")).isTrue();
    assertThat(custom.isPublic("chat.ChatService/SendMessage")).isFalse();
    assertThat(custom.isPublic("auth.AuthService/SendOTP")).isFalse();
  }

  @Test
  void aLoneWildcardIsRefused() {
    assertThatThrownBy(() -> new PublicMethods(Set.of("*")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
