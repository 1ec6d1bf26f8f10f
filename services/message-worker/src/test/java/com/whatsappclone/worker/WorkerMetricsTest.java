package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.testing.push.FakeFcm;
import com.whatsappclone.worker.push.PushNotifications;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker's series (issue 19) after real records through Kafka, PostgreSQL and a fake FCM. */
@WithPostgres
@WithKafka
class WorkerMetricsTest {

  private static WorkerTestKit kit;
  private static FakeFcm fcm;
  private static ServiceMetrics metrics;
  private static MeterRegistry registry;
  private static PushNotifications push;

  @BeforeAll
  static void start() throws Exception {
    kit = new WorkerTestKit();
    fcm = FakeFcm.start();
    Map<String, String> settings = new HashMap<>(fcm.settings());
    settings.put("PUSH_GROUP_ID", kit.groupId + "-push");
    settings.put("PUSH_ACK_GRACE", "1s");
    metrics = ServiceMetrics.create("message-worker");
    registry = metrics.registry();
    MessageWorkerApplication.RunningWorker worker = kit.startRunningWorker(WorkerHooks.NONE, settings, metrics);
    WorkerTestKit.awaitServing(worker.server());
    push = worker.push().orElseThrow();
    assertThat(push.awaitReady(Duration.ofSeconds(30))).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    kit.close();
    fcm.close();
  }

  @Test
  void storedMessagesTheirLatencyAndDeadLettersAreCountedOnceByReason() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);
    MessageSubmitted first = kit.message(direct, alice, "one", bob);
    MessageSubmitted second = kit.message(direct, bob, "two", alice);
    // The other test stores messages too: this one looks at what it adds.
    double storedBefore = registry.get("messages.stored").counter().count();
    long timedBefore = registry.get("messages.stored.latency").timer().count();

    kit.submit(first, second, first); // the resend is recognised, not stored again
    kit.submitRaw(direct.toString(), "not a protobuf".getBytes(StandardCharsets.UTF_8));
    kit.submit(kit.message(UUID.randomUUID(), alice, "nowhere", bob));
    kit.awaitStored(direct, 2);
    Eventually.await("both dead letters counted", () -> deadLettered("invalid") + deadLettered("unknown_conversation"),
        n -> n == 2.0);

    assertThat(registry.get("messages.stored").counter().count() - storedBefore).isEqualTo(2.0);
    Timer latency = registry.get("messages.stored.latency").timer();
    assertThat(latency.count() - timedBefore).isEqualTo(2);
    assertThat(latency.max(TimeUnit.SECONDS)).isBetween(0.0, 60.0);
    assertThat(deadLettered("invalid")).isEqualTo(1.0);
    assertThat(deadLettered("unknown_conversation")).isEqualTo(1.0);
    assertThat(deadLettered("unknown_sender")).isZero();
    // Prometheus' names, and the histogram that percentiles are computed from.
    assertThat(metrics.scrape())
        .contains("messages_stored_total{service=\"message-worker\"}")
        .contains("messages_stored_latency_seconds_bucket{")
        .contains("messages_dead_lettered_total{reason=\"invalid\",service=\"message-worker\"} 1.0");
  }

  @Test
  void pushOutcomesAreCountedPerProvider() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    kit.registerPush(kit.deviceSession(bob), "fcm", "fcm-" + UUID.randomUUID(), false);
    UUID gone = kit.createUser();
    String deadToken = "fcm-" + UUID.randomUUID();
    kit.registerPush(kit.deviceSession(gone), "fcm", deadToken, false);
    fcm.unregister(deadToken);

    kit.submit(kit.message(kit.createConversation(alice, bob), alice, "hi", bob));
    kit.submit(kit.message(kit.createConversation(alice, gone), alice, "hello?", gone));

    Eventually.await("a push sent", () -> pushed("fcm", "sent"), n -> n >= 1.0);
    Eventually.await("a dead token", () -> pushed("fcm", "token_dead"), n -> n >= 1.0);
    Eventually.await("push to go idle", push::backlog, backlog -> backlog == 0);
    assertThat(registry.get("push.backlog").gauge().value()).isZero();
    assertThat(pushed("fcm", "sent")).isEqualTo(push.stats().sent());
    assertThat(pushed("apns", "sent")).isZero();
    assertThat(pushed("fcm", "rejected")).isZero();
  }

  private static double deadLettered(String reason) {
    return registry.get("messages.dead_lettered").tag("reason", reason).counter().count();
  }

  private static double pushed(String provider, String outcome) {
    return registry.get("push.sent").tag("provider", provider).tag("outcome", outcome).counter().count();
  }
}
