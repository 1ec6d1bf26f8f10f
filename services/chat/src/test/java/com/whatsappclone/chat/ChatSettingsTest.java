package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatSettingsTest {

  @Test
  void defaultsAreGroupsOf1024AndAWeekOfIdempotency() {
    ChatSettings settings = ChatSettings.from(Settings.of(Map.of()));

    assertThat(settings.maxGroupMembers()).isEqualTo(1024);
    assertThat(settings.clientMessageIdRetention()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void theGroupCapIsAtLeastTwoAndAtMostTenThousand() {
    assertThat(ChatSettings.from(Settings.of(Map.of("MAX_GROUP_MEMBERS", "2"))).maxGroupMembers()).isEqualTo(2);
    assertThat(ChatSettings.from(Settings.of(Map.of("MAX_GROUP_MEMBERS", "10000"))).maxGroupMembers())
        .isEqualTo(10_000);
    for (String bad : new String[] {"1", "0", "-5", "10001", "many"}) {
      Settings settings = Settings.of(Map.of("MAX_GROUP_MEMBERS", bad));
      ChatSettings.from(settings);
      assertThatThrownBy(settings::check).isInstanceOf(SettingsException.class)
          .hasMessageContaining("MAX_GROUP_MEMBERS");
    }
  }

  @Test
  void theRetentionIsAPositiveDuration() {
    assertThat(ChatSettings.from(Settings.of(Map.of("CLIENT_MESSAGE_ID_RETENTION", "2d")))
        .clientMessageIdRetention()).isEqualTo(Duration.ofDays(2));
    Settings zero = Settings.of(Map.of("CLIENT_MESSAGE_ID_RETENTION", "0s"));
    ChatSettings.from(zero);
    assertThatThrownBy(zero::check).hasMessageContaining("CLIENT_MESSAGE_ID_RETENTION");
  }
}
