package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server's overall gRPC health follows its readiness conditions, as a gRPC client sees it. */
class ReadinessTest {

  private static final String CHAT_SERVICE = "chat.ChatService";

  private final CallAdmissionTest.HeldChat chat = new CallAdmissionTest.HeldChat();
  private GrpcServer server;

  @AfterEach
  void stop() {
    chat.release.release(100);
    if (server != null) {
      server.stop();
    }
  }

  private GrpcServer start(Map<String, Readiness.Check> conditions) {
    GrpcServer.Builder builder = GrpcServer.builder("readiness-test", 0).host("127.0.0.1").addService(chat);
    conditions.forEach(builder::readyWhen);
    server = builder.start();
    return server;
  }

  @Test
  void aServerWhoseConditionFailsAtStartIsNotServingUntilItHolds() throws Exception {
    AtomicReference<Optional<String>> partitions =
        new AtomicReference<>(Optional.of("the consumer group has not given this worker its partitions yet"));
    start(Map.of("partitions", partitions::get));

    assertThat(GrpcHealth.of(server.port())).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(server.readiness().orElseThrow().problems())
        .containsExactly(Map.entry("partitions", "the consumer group has not given this worker its partitions yet"));

    partitions.set(Optional.empty());
    server.readiness().orElseThrow().recheck();
    GrpcHealth.awaitServing("the server once its partitions are assigned", server.port());
    // Each of its services says the same, for clients that ask by name.
    assertThat(GrpcHealth.of(server.port(), CHAT_SERVICE)).isEqualTo(ServingStatus.SERVING);
    assertThat(server.readiness().orElseThrow().problems()).isEmpty();
  }

  @Test
  void aConditionThatFailsLaterIsSeenWithinTheCheckIntervalWithoutAnyoneReportingIt() throws Exception {
    AtomicReference<Optional<String>> lag = new AtomicReference<>(Optional.empty());
    start(Map.of("database", Optional::empty, "lag", lag::get));
    assertThat(GrpcHealth.of(server.port())).isEqualTo(ServingStatus.SERVING);

    lag.set(Optional.of("7000 record(s) waiting"));
    Eventually.await("the lag to make the server not ready", () -> GrpcHealth.of(server.port()),
        status -> status == ServingStatus.NOT_SERVING);
    assertThat(GrpcHealth.of(server.port(), CHAT_SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(server.readiness().orElseThrow().problems()).containsOnlyKeys("lag");
  }

  @Test
  void aCheckThatThrowsCountsAsFailingWithItsExceptionAsTheReason() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    start(Map.of("database", () -> {
      asked.incrementAndGet();
      throw new IllegalStateException("pool closed");
    }));

    assertThat(GrpcHealth.of(server.port())).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(server.readiness().orElseThrow().problems().get("database")).contains("pool closed");
    // Asked again and again, not given up on after the first failure.
    Eventually.await("a second check", asked::get, n -> n >= 2);
  }

  @Test
  void aStoppedServerIsNotServingAndItsConditionsAreNoLongerAsked() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    start(Map.of("database", () -> {
      asked.incrementAndGet();
      return Optional.empty();
    }));
    Readiness readiness = server.readiness().orElseThrow();
    server.stop();
    int afterStop = asked.get();

    assertThat(server.overallHealth()).isEqualTo(ServingStatus.NOT_SERVING);
    readiness.recheck();
    Thread.sleep(Readiness.CHECK_INTERVAL.toMillis() * 2);
    assertThat(asked.get()).isEqualTo(afterStop);
  }

  @Test
  void conditionsCannotBeCombinedWithAHealthTheCallerKeeps() {
    GrpcServer.Builder builder = GrpcServer.builder("readiness-test", 0).host("127.0.0.1").addService(chat)
        .health(new HealthStatusManager()).readyWhen("database", Optional::empty);
    assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("readiness conditions");
    assertThatThrownBy(() -> GrpcServer.builder("readiness-test", 0)
        .readyWhen("database", Optional::empty).readyWhen("database", Optional::empty))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database");
  }
}
