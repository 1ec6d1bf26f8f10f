package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  private static final String SECRET = "gateway-settings-test-secret-0123456789";

  @Test
  void defaultsMatchTheContract() {
    Settings settings = Settings.of(Map.of("JWT_SECRET", SECRET));

    GatewaySettings config = GatewaySettings.from(settings);
    settings.check();

    assertThat(config.port()).isEqualTo(50050);
    assertThat(config.backends()).extracting(BackendConfig::address)
        .containsExactly("localhost:50051", "localhost:50052", "localhost:50053", "localhost:50054");
    assertThat(config.backends()).extracting(BackendConfig::knownService)
        .containsExactly("auth.AuthService", "chat.ChatService", "proto.RealtimeService", "status.StatusService");
    assertThat(config.limits()).isEqualTo(new LimitSettings(100, 500, 50, 200, 5));
    assertThat(config.trustedProxies().isEmpty()).isTrue();
    assertThat(config.healthCheckInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everyBadSettingIsNamedAtOnce() {
    Settings settings = Settings.of(Map.of(
        "CHAT_SERVICE_ADDR", "chat",
        "GATEWAY_TRUSTED_PROXIES", "lb.internal",
        "GATEWAY_USER_BURST", "0",
        "GATEWAY_HEALTH_CHECK_INTERVAL", "0s"));

    GatewaySettings.from(settings);

    assertThatThrownBy(settings::check).isInstanceOf(SettingsException.class)
        .hasMessageContaining("JWT_SECRET")
        .hasMessageContaining("CHAT_SERVICE_ADDR")
        .hasMessageContaining("GATEWAY_TRUSTED_PROXIES")
        .hasMessageContaining("GATEWAY_USER_BURST")
        .hasMessageContaining("GATEWAY_HEALTH_CHECK_INTERVAL");
  }

  @Test
  void backendAddressesMayBeHostPortOrTargets() {
    assertThat(BackendConfig.isTarget("chat:50052")).isTrue();
    assertThat(BackendConfig.isTarget("[::1]:50052")).isTrue();
    assertThat(BackendConfig.isTarget("dns:///chat.internal:50052")).isTrue();
    assertThat(BackendConfig.isTarget("chat")).isFalse();
    assertThat(BackendConfig.isTarget("chat:99999")).isFalse();
  }
}
