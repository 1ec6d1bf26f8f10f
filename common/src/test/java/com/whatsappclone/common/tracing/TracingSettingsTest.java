package com.whatsappclone.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {

  @Test
  void withoutAnEndpointTracingIsOff() {
    TracingSettings settings = TracingSettings.from(Settings.of(Map.of()), "chat");
    assertThat(settings.endpoint()).isEmpty();
    assertThat(settings.serviceName()).isEqualTo("chat");
    try (Tracing tracing = Tracing.from(settings)) {
      assertThat(tracing.enabled()).isFalse();
    }
  }

  @Test
  void anEndpointTurnsTracingOnUnderOpenTelemetrysSettingNames() {
    Settings values = Settings.of(Map.of(TracingSettings.ENDPOINT, "http://collector:4318/",
        TracingSettings.SERVICE_NAME, "chat-eu-1", TracingSettings.SAMPLER_ARG, "0.25",
        TracingSettings.SCHEDULE_DELAY, "200ms"));
    TracingSettings settings = TracingSettings.from(values, "chat");
    assertThat(values.problems()).isEmpty();
    assertThat(settings.endpoint()).contains(URI.create("http://collector:4318/"));
    assertThat(settings.serviceName()).isEqualTo("chat-eu-1");
    assertThat(settings.samplerRatio()).isEqualTo(0.25);
    assertThat(settings.scheduleDelay()).isEqualTo(Duration.ofMillis(200));
    try (Tracing tracing = Tracing.from(settings)) {
      assertThat(tracing.enabled()).isTrue();
    }
  }

  @Test
  void aBadEndpointOrRatioIsReportedByName() {
    Settings values = Settings.of(Map.of(TracingSettings.ENDPOINT, "collector:4318",
        TracingSettings.SAMPLER_ARG, "half"));
    TracingSettings.from(values, "chat");
    assertThat(values.problems()).hasSize(2);
    assertThat(values.problems().get(0)).contains(TracingSettings.ENDPOINT);
    assertThat(values.problems().get(1)).contains(TracingSettings.SAMPLER_ARG);
  }
}
