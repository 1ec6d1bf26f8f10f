package com.whatsappclone.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

  private static MetricsSettings worker(Map<String, String> values) {
    return MetricsSettings.from(Settings.of(values), ServicePorts.MESSAGE_WORKER_METRICS_PORT,
        ServicePorts.DEFAULT_MESSAGE_WORKER_METRICS_PORT);
  }

  @Test
  void byDefaultMetricsAreOnAtTheServicesOwnPortOnEveryInterface() {
    assertThat(worker(Map.of())).isEqualTo(new MetricsSettings(true, 9105, Optional.empty()));
  }

  @Test
  void theBindHostIsTheMetricsOwnElseTheGrpcServers() {
    assertThat(worker(Map.of("GRPC_BIND_HOST", "127.0.0.1")).bindHost()).contains("127.0.0.1");
    assertThat(worker(Map.of("GRPC_BIND_HOST", "127.0.0.1", "METRICS_BIND_HOST", "0.0.0.0")).bindHost())
        .contains("0.0.0.0");
  }

  @Test
  void metricsCanBeSwitchedOffAndThePortSetToAnyFreeOne() {
    assertThat(worker(Map.of("METRICS_ENABLED", "false", "MESSAGE_WORKER_METRICS_PORT", "0")))
        .isEqualTo(new MetricsSettings(false, 0, Optional.empty()));
  }

  @Test
  void badValuesAreReportedByName() {
    Settings settings = Settings.of(Map.of("METRICS_ENABLED", "maybe", "MESSAGE_WORKER_METRICS_PORT", "70000"));
    MetricsSettings.from(settings, ServicePorts.MESSAGE_WORKER_METRICS_PORT, ServicePorts.DEFAULT_MESSAGE_WORKER_METRICS_PORT);
    assertThat(settings.problems()).anySatisfy(p -> assertThat(p).contains("METRICS_ENABLED"))
        .anySatisfy(p -> assertThat(p).contains("MESSAGE_WORKER_METRICS_PORT"));
  }

  @Test
  void grpcSeriesKeepTheServiceTagAndNameTheGrpcServiceApart() {
    ServiceMetrics metrics = ServiceMetrics.create("chat");
    metrics.registry().counter("grpc.server.requests.received", "service", "chat.ChatService").increment();
    metrics.registry().counter("chat.other", "kind", "x").increment();

    assertThat(metrics.registry().get("grpc.server.requests.received").counter().getId().getTag("service"))
        .isEqualTo("chat");
    assertThat(metrics.registry().get("grpc.server.requests.received").counter().getId().getTag(ServiceMetrics.GRPC_SERVICE_TAG))
        .isEqualTo("chat.ChatService");
    assertThat(metrics.registry().get("chat.other").counter().getId().getTag("service")).isEqualTo("chat");
  }
}
