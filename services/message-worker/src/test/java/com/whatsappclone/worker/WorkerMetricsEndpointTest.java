package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.ScrapedMetrics;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker's metrics endpoint shows its pool, its consumer's lag per partition and its producer. */
@WithPostgres
@WithKafka
class WorkerMetricsEndpointTest {

  private static WorkerTestKit kit;
  private static GrpcServer worker;

  @BeforeAll
  static void startWorker() throws Exception {
    kit = new WorkerTestKit();
    worker = kit.startWorker(WorkerHooks.NONE);
    WorkerTestKit.awaitServing(worker);
  }

  @AfterAll
  static void stopWorker() throws Exception {
    kit.close();
  }

  @Test
  void afterStoringMessagesTheEndpointShowsThePoolAndTheLagOfEveryPartition() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID conversation = kit.createConversation(alice, bob);
    for (int i = 0; i < 3; i++) {
      MessageSubmitted message = kit.message(conversation, alice, "hello " + i, bob);
      kit.submit(message);
    }
    kit.awaitStored(conversation, 3);
    int port = worker.metricsPort().orElseThrow();

    // A partition's lag appears once the binder's refresh has seen the client report it.
    ScrapedMetrics scraped = Eventually.await("the lag of the 3 submitted partitions", () -> ScrapedMetrics.scrape(port),
        s -> partitionsWithLag(s).size() == 3);
    assertThat(partitionsWithLag(scraped)).containsExactlyInAnyOrder("0", "1", "2");
    assertThat(scraped.matching("kafka_consumer_fetch_manager_records_lag", Map.of("topic", kit.topics.submitted())))
        .allSatisfy(series -> {
          assertThat(series.labels()).containsEntry("service", "message-worker").containsKey("client_id");
          assertThat(series.value()).isGreaterThanOrEqualTo(0.0);
        });

    Map<String, String> pool = Map.of("service", "message-worker", "pool", "message-worker-db");
    assertThat(scraped.value("hikaricp_connections", pool).orElseThrow()).isPositive();
    assertThat(scraped.value("hikaricp_connections_max", pool)).hasValue(4.0);
    assertThat(scraped.matching("hikaricp_connections_acquire_seconds_count", pool)).isNotEmpty();
    // The producer that publishes the stored events.
    assertThat(scraped.value("kafka_producer_record_send_total", Map.of("service", "message-worker")).orElseThrow())
        .isGreaterThanOrEqualTo(3.0);
    assertThat(scraped.named("jvm_memory_used_bytes")).isNotEmpty();
    assertThat(ScrapedMetrics.get(port, "/health/ready").statusCode()).isEqualTo(200);
  }

  private static Set<String> partitionsWithLag(ScrapedMetrics scraped) {
    return scraped.matching("kafka_consumer_fetch_manager_records_lag", Map.of("topic", kit.topics.submitted()))
        .stream().map(series -> series.labels().get("partition")).collect(Collectors.toSet());
  }
}
