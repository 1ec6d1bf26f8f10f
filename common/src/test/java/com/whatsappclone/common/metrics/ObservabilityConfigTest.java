package com.whatsappclone.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator side of issue 19 (configs/observability) against the series the services expose: a
 * metric renamed in the code, or a panel naming one that does not exist, breaks the build instead
 * of leaving an empty graph in Grafana.
 */
class ObservabilityConfigTest {

  private static final Path CONFIGS = Path.of("..", "configs", "observability");
  private static final Path DASHBOARD = CONFIGS.resolve("grafana/dashboards/whatsapp.json");

  /**
   * The series the services publish (Prometheus names, every one tagged service="name"). Keep in
   * step with the meters: a histogram or timer brings {@code _bucket}, {@code _count}, {@code _sum}
   * and {@code _max}, a summary the last three.
   */
  private static final Set<String> GAUGES_AND_COUNTERS = Set.of(
      "jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
      "hikaricp_connections_active", "hikaricp_connections_pending",
      "kafka_consumer_fetch_manager_records_lag",
      "grpc_server_requests_received_messages_total", "grpc_server_shed_total",
      "messages_accepted_total", "messages_stored_total", "messages_delivered_total",
      "realtime_connections", "realtime_frames_refused_total",
      "auth_otp_sent_total", "auth_otp_verified_total", "ratelimit_refused_total",
      "push_sent_total", "push_backlog");
  private static final Set<String> HISTOGRAMS = Set.of(
      "jvm_gc_pause_seconds", "grpc_server_processing_duration_seconds",
      "messages_stored_latency_seconds", "messages_delivered_latency_seconds", "realtime_catchup_size_messages");
  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

  /** Words of PromQL (functions, aggregations, operators) the dashboard may use; anything else is a series. */
  private static final Set<String> PROMQL_WORDS = Set.of(
      "sum", "avg", "min", "max", "count", "topk", "bottomk", "quantile", "group", "stddev",
      "rate", "irate", "increase", "delta", "deriv", "histogram_quantile", "clamp_min", "clamp_max",
      "abs", "ceil", "floor", "round", "scalar", "vector", "time", "sort", "sort_desc", "absent",
      "label_replace", "label_join", "max_over_time", "min_over_time", "avg_over_time", "sum_over_time",
      "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
      "label_values");

  private static final Map<String, String> METRICS_PORT_SETTINGS = new LinkedHashMap<>();

  static {
    METRICS_PORT_SETTINGS.put("api-gateway", "API_GATEWAY_METRICS_PORT");
    METRICS_PORT_SETTINGS.put("auth", "AUTH_SERVICE_METRICS_PORT");
    METRICS_PORT_SETTINGS.put("chat", "CHAT_SERVICE_METRICS_PORT");
    METRICS_PORT_SETTINGS.put("realtime", "REALTIME_SERVICE_METRICS_PORT");
    METRICS_PORT_SETTINGS.put("status", "STATUS_SERVICE_METRICS_PORT");
    METRICS_PORT_SETTINGS.put("message-worker", "MESSAGE_WORKER_METRICS_PORT");
  }

  @Test
  void everyPanelQueriesOnlySeriesTheServicesPublish() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Map<String, Set<String>> unknownByPanel = new LinkedHashMap<>();
    Set<String> used = new TreeSet<>();
    for (JsonNode panel : allPanels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        for (String series : seriesIn(target.path("expr").asText())) {
          used.add(series);
          if (!isPublished(series)) {
            unknownByPanel.computeIfAbsent(panel.path("title").asText(), t -> new TreeSet<>()).add(series);
          }
        }
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      for (String series : seriesIn(variable.path("query").path("query").asText(variable.path("query").asText()))) {
        used.add(series);
        if (!isPublished(series)) {
          unknownByPanel.computeIfAbsent("variable " + variable.path("name").asText(), t -> new TreeSet<>()).add(series);
        }
      }
    }
    assertThat(unknownByPanel).as("series no service publishes, by panel").isEmpty();
    assertThat(used).contains("messages_stored_latency_seconds_bucket", "kafka_consumer_fetch_manager_records_lag",
        "grpc_server_processing_duration_seconds_count", "hikaricp_connections_pending");
  }

  @Test
  void everyGraphHasAQueryAndReadsTheProvisionedPrometheus() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    String datasourceUid = provisionedDatasourceUid();
    List<String> problems = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    List<JsonNode> panels = allPanels(dashboard);
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      if (!ids.add(panel.path("id").asInt())) {
        problems.add(title + ": duplicate id " + panel.path("id"));
      }
      if (!panel.path("gridPos").has("w") || !panel.path("gridPos").has("h")) {
        problems.add(title + ": no gridPos");
      }
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      if (panel.path("targets").isEmpty()) {
        problems.add(title + ": no query");
      }
      if (!panel.path("datasource").path("uid").asText().equals(datasourceUid)) {
        problems.add(title + ": datasource " + panel.path("datasource"));
      }
      for (JsonNode target : panel.path("targets")) {
        if (seriesIn(target.path("expr").asText()).isEmpty()) {
          problems.add(title + ": query names no series: " + target.path("expr").asText());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(panels.stream().filter(p -> p.path("type").asText().equals("row")).map(p -> p.path("title").asText()))
        .containsExactly("Throughput", "Latency", "Kafka consumer lag", "Connections", "Errors and refusals",
            "JVM and database pools");
  }

  @Test
  void prometheusScrapesEveryServiceOnTheMetricsPortOfEnvDocker() throws IOException {
    Map<String, String> envDocker = envFile(Path.of("..", ".env.docker"));
    Set<String> expected = new TreeSet<>();
    METRICS_PORT_SETTINGS.forEach((service, setting) -> expected.add(service + ":" + envDocker.get(setting)));

    Set<String> targets = new TreeSet<>();
    Matcher target = Pattern.compile("(?m)^\\s*-\\s*([a-z-]+:\\d+)\\s*$")
        .matcher(Files.readString(CONFIGS.resolve("prometheus.yml")));
    while (target.find()) {
      targets.add(target.group(1));
    }
    assertThat(targets).isEqualTo(expected);
    assertThat(Files.readString(Path.of("..", "docker-compose.yml")))
        .contains("profiles: [\"observability\"]", "127.0.0.1:9090:9090", "127.0.0.1:3000:3000");
  }

  @Test
  void seriesAreTheNamesOutsideLabelsFunctionsAndRanges() {
    assertThat(seriesIn("histogram_quantile(0.99, sum by (le, method) "
        + "(rate(grpc_server_processing_duration_seconds_bucket{statusCode!=\"OK\", service=~\"$service\"}[$__rate_interval])))"))
        .containsExactly("grpc_server_processing_duration_seconds_bucket");
    assertThat(seriesIn("sum(rate(a_sum[5m])) / sum(rate(a_count[5m]))")).containsExactly("a_count", "a_sum");
    assertThat(seriesIn("label_values(jvm_threads_live_threads, service)")).containsExactly("jvm_threads_live_threads");
    assertThat(isPublished("messages_stored_total")).isTrue();
    assertThat(isPublished("messages_stored_latency_seconds_bucket")).isTrue();
    assertThat(isPublished("messages_stored_total_bucket")).isFalse();
    assertThat(isPublished("messages_stored")).isFalse();
  }

  private static boolean isPublished(String series) {
    if (GAUGES_AND_COUNTERS.contains(series) || HISTOGRAMS.contains(series)) {
      return true;
    }
    return HISTOGRAM_SUFFIXES.stream()
        .anyMatch(suffix -> series.endsWith(suffix) && HISTOGRAMS.contains(series.substring(0, series.length() - suffix.length())));
  }

  /** Metric names in a PromQL expression (Grafana variables allowed). */
  static Set<String> seriesIn(String expr) {
    String rest = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")                     // string literals
        .replaceAll("\\{[^}]*}", " ")                                       // label matchers
        .replaceAll("\\[[^]]*]", " ")                                       // ranges
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
        .replaceAll("\\$\\{?\\w+}?", " ");                                  // Grafana variables
    // label_values(metric, label): the label after the comma is no series
    rest = rest.replaceAll("(label_values\\s*\\(\\s*[a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*\\w+\\s*\\)", "$1)");
    Set<String> series = new TreeSet<>();
    Matcher word = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(rest);
    while (word.find()) {
      if (!PROMQL_WORDS.contains(word.group())) {
        series.add(word.group());
      }
    }
    return series;
  }

  private static List<JsonNode> allPanels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add); // a collapsed row holds its panels
    }
    return panels;
  }

  private static String provisionedDatasourceUid() throws IOException {
    Matcher uid = Pattern.compile("(?m)^\\s*uid:\\s*(\\S+)\\s*$")
        .matcher(Files.readString(CONFIGS.resolve("grafana/provisioning/datasources/prometheus.yml")));
    assertThat(uid.find()).as("uid in the datasource provisioning").isTrue();
    return uid.group(1);
  }

  private static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int equals = line.indexOf('=');
      if (!line.startsWith("#") && equals > 0) {
        values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
      }
    }
    return values;
  }
}
