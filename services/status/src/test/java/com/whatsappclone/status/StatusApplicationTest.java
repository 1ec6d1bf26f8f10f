package com.whatsappclone.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@WithPostgres
class StatusApplicationTest {

  @Test
  void badSettingsStopStartUpNamingEachOfThem() {
    Settings settings = Settings.of(Map.of(
        "JWT_SECRET", StatusTestServer.JWT_SECRET,
        "STATUS_CLEANUP_INTERVAL", "0s",
        "STATUS_CLEANUP_BATCH_SIZE", "0"));

    assertThatThrownBy(() -> StatusApplication.start(settings, Clock.systemUTC()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("DATABASE_URL")
        .hasMessageContaining("STATUS_CLEANUP_INTERVAL")
        .hasMessageContaining("STATUS_CLEANUP_BATCH_SIZE");
  }

  @Test
  void scheduledCleanupDeletesLongExpiredStatusesWithoutBeingCalled() throws Exception {
    Instant now = Instant.parse("2025-03-10T12:00:00Z");
    try (StatusTestServer service = StatusTestServer.start(Clock.fixed(now, ZoneOffset.UTC),
        Map.of("STATUS_CLEANUP_INTERVAL", "100ms"))) {
      UUID author = service.fixtures.newUser();
      UUID old = service.fixtures.status(author, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)));
      UUID live = service.fixtures.status(author, now, now.plus(Duration.ofDays(1)));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (service.fixtures.count("SELECT count(*) FROM status_updates WHERE id = ?", old) > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(50); // polling the job's effect; the assertion below carries the verdict
      }

      assertThat(service.fixtures.strings("SELECT id FROM status_updates"))
          .containsExactly(live.toString());
      assertThat(health(service.server.port())).isEqualTo(ServingStatus.SERVING);
    }
  }

  private static ServingStatus health(int port) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("status.StatusService").build())
          .getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
