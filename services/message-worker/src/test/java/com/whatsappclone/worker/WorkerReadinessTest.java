package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.ScrapedMetrics;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's readiness follows its lag: a worker that stores one message at a time, slowly,
 * falls behind a burst and says so on gRPC health and /health/ready, then is ready again once it
 * caught up. Liveness stays 200 throughout: a slow worker is not to be restarted.
 */
@WithPostgres
@WithKafka
class WorkerReadinessTest {

  private static final int BURST = 30;
  private static final int LAG_WARNING = 4;

  private static WorkerTestKit kit;
  private static GrpcServer worker;

  @BeforeAll
  static void startSlowWorker() throws Exception {
    kit = new WorkerTestKit();
    WorkerHooks slowStore = new WorkerHooks() {
      @Override
      public void afterDatabaseCommit(int messagesInBatch) {
        try {
          Thread.sleep(150);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    worker = kit.startWorker(slowStore, Map.of(
        "MESSAGE_WORKER_MAX_POLL_RECORDS", "1",
        "MESSAGE_WORKER_LAG_WARNING", String.valueOf(LAG_WARNING)));
    WorkerTestKit.awaitServing(worker);
  }

  @AfterAll
  static void stopWorker() throws Exception {
    kit.close();
  }

  @Test
  void aWorkerBehindABurstIsNotReadyUntilItHasCaughtUp() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    int port = worker.metricsPort().orElseThrow();
    assertThat(ScrapedMetrics.get(port, "/health/ready").statusCode()).isEqualTo(200);

    for (int i = 0; i < BURST; i++) {
      kit.submit(kit.message(conversation, alice, "burst " + i, bob));
    }

    HttpResponse<String> behind = Eventually.await("the worker to say it is behind",
        () -> ScrapedMetrics.get(port, "/health/ready"), r -> r.statusCode() == 503);
    assertThat(behind.body()).startsWith("NOT_SERVING\n").contains("lag: ").contains("record(s) waiting");
    assertThat(WorkerTestKit.health(worker)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(ScrapedMetrics.get(port, "/health/live").statusCode()).isEqualTo(200);

    kit.awaitStored(conversation, BURST);
    WorkerTestKit.awaitServing(worker);
    assertThat(ScrapedMetrics.get(port, "/health/ready").body()).isEqualTo("SERVING\n");
  }
}
