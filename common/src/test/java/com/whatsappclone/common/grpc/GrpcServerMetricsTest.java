package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.metrics.MetricsServer;
import com.whatsappclone.common.metrics.MetricsSettings;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.ListMessagesResponse;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.ScrapedMetrics;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server built with {@code .metrics(...)} serves its calls' series and its health over HTTP. */
class GrpcServerMetricsTest {

  private static final ListMessagesRequest HELD = ListMessagesRequest.newBuilder().setLimit(1).build();
  private static final ListMessagesRequest QUICK = ListMessagesRequest.newBuilder().setLimit(2).build();
  private static final String CHAT_SERVICE = "chat.ChatService";

  private final CallAdmissionTest.HeldChat chat = new CallAdmissionTest.HeldChat();
  private GrpcServer server;
  private ManagedChannel channel;

  private static ServiceMetrics metrics(boolean enabled) {
    return ServiceMetrics.create("metrics-test", new MetricsSettings(enabled, 0, Optional.of("127.0.0.1")));
  }

  private ChatServiceGrpc.ChatServiceBlockingStub start(ServiceMetrics metrics, int maxConcurrentCalls) {
    server = GrpcServer.builder("metrics-test", 0).host("127.0.0.1").maxConcurrentCalls(maxConcurrentCalls)
        .addService(chat).metrics(metrics).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    return ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    chat.release.release(100);
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
  }

  private int metricsPort() {
    return server.metricsPort().orElseThrow();
  }

  @Test
  void theEndpointServesACallByMethodAndStatusBesideTheJvmSeries() throws Exception {
    ChatServiceGrpc.ChatServiceBlockingStub stub = start(metrics(true), 8);
    stub.listMessages(QUICK);

    Map<String, String> okListMessages = Map.of("service", "metrics-test", "grpc_service", CHAT_SERVICE,
        "method", "ListMessages", "methodType", "UNARY", "statusCode", "OK");
    // The server records the call as it closes it, a moment after the client has its answer.
    ScrapedMetrics scraped = Eventually.await("the call in the server's series", () -> ScrapedMetrics.scrape(metricsPort()),
        s -> s.value("grpc_server_processing_duration_seconds_count", okListMessages).isPresent());
    assertThat(scraped.value("grpc_server_processing_duration_seconds_count", okListMessages)).hasValue(1.0);
    assertThat(scraped.value("grpc_server_requests_received_messages_total",
        Map.of("method", "ListMessages", "service", "metrics-test"))).hasValue(1.0);

    for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
        "system_cpu_count", "process_uptime_seconds", "process_files_open_files", "jvm_gc_memory_allocated_bytes_total"}) {
      assertThat(scraped.named(jvm)).as(jvm).isNotEmpty()
          .allSatisfy(series -> assertThat(series.labels()).containsEntry("service", "metrics-test"));
    }
    HttpResponse<String> raw = ScrapedMetrics.get(metricsPort(), "/metrics");
    assertThat(raw.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
  }

  @Test
  void readinessFollowsTheServersConditionsAndListsTheFailingOnesWithTheirReasons() throws Exception {
    AtomicReference<Optional<String>> database = new AtomicReference<>(Optional.empty());
    server = GrpcServer.builder("metrics-test", 0).host("127.0.0.1").addService(chat)
        .readyWhen("database", database::get).metrics(metrics(true)).start();
    assertThat(ScrapedMetrics.get(metricsPort(), "/health/ready").statusCode()).isEqualTo(200);

    database.set(Optional.of("no connection to PostgreSQL: refused"));
    server.readiness().orElseThrow().recheck();
    HttpResponse<String> notServing = Eventually.await("readiness to see the database down",
        () -> ScrapedMetrics.get(metricsPort(), "/health/ready"), r -> r.statusCode() == 503);
    assertThat(notServing.body()).isEqualTo("NOT_SERVING\ndatabase: no connection to PostgreSQL: refused\n");
    assertThat(server.overallHealth()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(ScrapedMetrics.get(metricsPort(), "/health/live").statusCode()).isEqualTo(200);

    database.set(Optional.empty());
    server.readiness().orElseThrow().recheck();
    HttpResponse<String> serving = Eventually.await("readiness to see the database back",
        () -> ScrapedMetrics.get(metricsPort(), "/health/ready"), r -> r.statusCode() == 200);
    assertThat(serving.body()).isEqualTo("SERVING\n");
    assertThat(server.overallHealth()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void readinessIsUnavailableWithoutAnOverallStatusAndTheEndpointStopsWithTheServer() throws Exception {
    io.grpc.protobuf.services.HealthStatusManager health = new io.grpc.protobuf.services.HealthStatusManager();
    // A new manager says SERVING for ""; a caller's own (the gateway's) may say nothing yet.
    health.clearStatus("");
    server = GrpcServer.builder("metrics-test", 0).host("127.0.0.1").addService(chat).health(health)
        .metrics(metrics(true)).start();
    int port = metricsPort();
    HttpResponse<String> unknown = ScrapedMetrics.get(port, "/health/ready");
    assertThat(unknown.statusCode()).isEqualTo(503);
    assertThat(unknown.body()).contains("SERVICE_UNKNOWN");

    server.stop();
    assertThatThrownBy(() -> ScrapedMetrics.get(port, "/health/live")).isInstanceOf(IOException.class);
  }

  @Test
  void onlyTheThreePathsAreServedAndOnlyToGet() throws Exception {
    start(metrics(true), 8);
    assertThat(ScrapedMetrics.get(metricsPort(), "/metrics/extra").statusCode()).isEqualTo(404);
    assertThat(ScrapedMetrics.get(metricsPort(), "/").statusCode()).isEqualTo(404);
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    HttpResponse<String> post = client.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + metricsPort() + "/metrics"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void withMetricsOffNoEndpointIsServedAndNoCallIsMeasured() {
    ServiceMetrics off = metrics(false);
    ChatServiceGrpc.ChatServiceBlockingStub stub = start(off, 8);
    stub.listMessages(QUICK);

    assertThat(server.metricsPort()).isEmpty();
    assertThat(off.scrape()).doesNotContain("grpc_server", "jvm_");
    assertThatThrownBy(() -> MetricsServer.start(off, () -> ServingStatus.SERVING, Map::of))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("METRICS_ENABLED");
  }

  @Test
  void aShedCallIsCountedByItsReasonAndTimedWithItsStatus() throws Exception {
    ChatServiceGrpc.ChatServiceBlockingStub stub = start(metrics(true), 1);
    ChatServiceGrpc.ChatServiceFutureStub async = ChatServiceGrpc.newFutureStub(channel);
    Future<ListMessagesResponse> held = async.listMessages(HELD);
    assertThat(chat.started.tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> stub.listMessages(QUICK)).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("RESOURCE_EXHAUSTED");

    ScrapedMetrics scraped = ScrapedMetrics.scrape(metricsPort());
    assertThat(scraped.value("grpc_server_shed_total", Map.of("reason", "SERVER_OVERLOADED", "service", "metrics-test")))
        .hasValue(1.0);
    assertThat(scraped.value("grpc_server_shed_total", Map.of("reason", "DATABASE_UNAVAILABLE"))).hasValue(0.0);
    assertThat(scraped.value("grpc_server_processing_duration_seconds_count",
        Map.of("method", "ListMessages", "statusCode", "RESOURCE_EXHAUSTED"))).hasValue(1.0);

    chat.release.release(1);
    assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(ListMessagesResponse.getDefaultInstance());
  }
}
