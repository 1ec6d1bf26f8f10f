package com.whatsappclone.worker.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.testing.push.FakeFcm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushProvidersTest {

  @TempDir
  Path directory;

  @Test
  void withoutSettingsPushIsOffAndDescribeSaysWhy() {
    Settings settings = Settings.of(Map.of());

    try (PushProviders providers = PushProviders.from(settings)) {
      assertThat(providers.enabled()).isFalse();
      assertThat(providers.sender(PushPlatform.FCM)).isEmpty();
      assertThat(providers.sender(PushPlatform.APNS)).isEmpty();
      assertThat(providers.describe()).isEqualTo("off: no PUSH_FCM_CREDENTIALS_FILE or PUSH_APNS_KEY_FILE");
    }
    assertThat(settings.problems()).isEmpty();
  }

  @Test
  void bothProvidersConfiguredGiveBothSenders() throws Exception {
    try (FakeFcm fcm = FakeFcm.start(); FakeApns apns = FakeApns.start()) {
      Map<String, String> values = new HashMap<>(fcm.settings());
      values.putAll(apns.settings("com.example.chat"));
      Settings settings = Settings.of(values);

      try (PushProviders providers = PushProviders.from(settings)) {
        assertThat(settings.problems()).isEmpty();
        assertThat(providers.enabled()).isTrue();
        assertThat(providers.sender(PushPlatform.FCM)).map(PushSender::platform).contains(PushPlatform.FCM);
        assertThat(providers.sender(PushPlatform.APNS)).map(PushSender::platform).contains(PushPlatform.APNS);
        assertThat(providers.describe()).isEqualTo("fcm (project fake-project), apns (topic com.example.chat)");
      }
    }
  }

  @Test
  void theProjectIdSettingOverridesTheCredentialsFile() {
    try (FakeFcm fcm = FakeFcm.start()) {
      Map<String, String> values = new HashMap<>(fcm.settings());
      values.put("PUSH_FCM_PROJECT_ID", "other-project");

      try (PushProviders providers = PushProviders.from(Settings.of(values))) {
        assertThat(providers.describe()).isEqualTo("fcm (project other-project)");
      }
    }
  }

  @Test
  void anApnsKeyWithoutItsKeyIdIsAProblemNamingTheSetting() throws Exception {
    Settings settings = Settings.of(Map.of(
        "PUSH_APNS_KEY_FILE", FakeApns.keyFile().toString(),
        "PUSH_APNS_TEAM_ID", FakeApns.TEAM_ID,
        "PUSH_APNS_TOPIC", "com.example.chat"));

    try (PushProviders providers = PushProviders.from(settings)) {
      assertThat(providers.enabled()).isFalse();
    }
    assertThat(settings.problems()).singleElement().asString().startsWith("PUSH_APNS_KEY_ID is not set");
    assertThatThrownBy(settings::check).isInstanceOf(SettingsException.class).hasMessageContaining("PUSH_APNS_KEY_ID");
  }

  @Test
  void aMissingCredentialsFileIsAProblemNamingThePath() {
    Path missing = directory.resolve("no-such-service-account.json");
    Settings settings = Settings.of(Map.of("PUSH_FCM_CREDENTIALS_FILE", missing.toString()));

    try (PushProviders providers = PushProviders.from(settings)) {
      assertThat(providers.enabled()).isFalse();
    }
    assertThat(settings.problems()).singleElement().asString()
        .startsWith("PUSH_FCM_CREDENTIALS_FILE")
        .contains(missing.toString())
        .contains("no such file");
  }

  @Test
  void aCredentialsFileThatIsNoServiceAccountKeyIsAProblemNamingThePath() throws Exception {
    Path garbage = Files.writeString(directory.resolve("service-account.json"), "{\"type\": \"authorized_user\"}");
    Settings settings = Settings.of(Map.of("PUSH_FCM_CREDENTIALS_FILE", garbage.toString()));

    try (PushProviders providers = PushProviders.from(settings)) {
      assertThat(providers.enabled()).isFalse();
    }
    assertThat(settings.problems()).singleElement().asString()
        .startsWith("PUSH_FCM_CREDENTIALS_FILE")
        .contains(garbage.toString());
  }

  @Test
  void anUnreadableApnsKeyFileIsAProblemNamingThePath() throws Exception {
    Path notAKey = Files.writeString(directory.resolve("AuthKey.p8"), "not a key");
    Settings settings = Settings.of(Map.of(
        "PUSH_APNS_KEY_FILE", notAKey.toString(),
        "PUSH_APNS_KEY_ID", FakeApns.KEY_ID,
        "PUSH_APNS_TEAM_ID", FakeApns.TEAM_ID,
        "PUSH_APNS_TOPIC", "com.example.chat"));

    try (PushProviders providers = PushProviders.from(settings)) {
      assertThat(providers.enabled()).isFalse();
    }
    assertThat(settings.problems()).singleElement().asString()
        .startsWith("PUSH_APNS_KEY_FILE")
        .contains(notAKey.toString());
  }

  @Test
  void aMalformedApnsServerIsAProblem() throws Exception {
    Settings settings = Settings.of(Map.of(
        "PUSH_APNS_KEY_FILE", FakeApns.keyFile().toString(),
        "PUSH_APNS_KEY_ID", FakeApns.KEY_ID,
        "PUSH_APNS_TEAM_ID", FakeApns.TEAM_ID,
        "PUSH_APNS_TOPIC", "com.example.chat",
        "PUSH_APNS_SERVER", "api.push.apple.com:https"));

    try (PushProviders providers = PushProviders.from(settings)) {
      assertThat(providers.enabled()).isFalse();
    }
    assertThat(settings.problems()).singleElement().asString().startsWith("PUSH_APNS_SERVER");
  }
}
