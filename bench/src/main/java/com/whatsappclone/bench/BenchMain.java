package com.whatsappclone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command for every benchmark (bench/README.md): JMH token validation, the embedded stack,
 * the machine's own PostgreSQL and Kafka limits, auth rates, the end-to-end messaging ramp, group
 * fan-out and connection capacity; then a table on stdout, results/latest.json, results/latest.html
 * and the results section of bench/README.md.
 */
public final class BenchMain {

  static final String LOGBACK_CONFIG = "whatsapp-bench-logback.xml";
  private static final String README_START = "<!-- results:start -->";
  private static final String README_END = "<!-- results:end -->";

  private final BenchOptions options;
  private final Map<String, Object> results = new LinkedHashMap<>();
  private final Map<String, Object> meta = new LinkedHashMap<>();
  private final List<String> errors = new ArrayList<>();
  private Logger log;

  private BenchMain(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--faults")) {
      FaultsMain.main(args);
      return;
    }
    if (java.util.Arrays.asList(args).contains("--auth")) {
      AuthMain.main(args);
      return;
    }
    if (java.util.Arrays.asList(args).contains("--push")) {
      PushMain.main(args);
      return;
    }
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
        System.err.println();
      }
      System.err.println(BenchOptions.usage());
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    int status = new BenchMain(options).run();
    // The embedded Kafka and gRPC leave non-daemon threads behind after stopping.
    System.exit(status);
  }

  private int run() throws Exception {
    log = LoggerFactory.getLogger(BenchMain.class);
    long started = System.nanoTime();
    describeMachine();
    results.put("meta", meta);
    if (options.runs("jmh")) {
      step("JMH: token validation", () -> results.put("jmh", JmhTokenValidation.run()));
    }
    BenchStack stack;
    long stackStart = System.nanoTime();
    if (options.embedded()) {
      log.info("starting the embedded stack (PostgreSQL, Kafka, six services) in a temporary directory");
      stack = BenchStack.startEmbedded(options.metrics() ? Map.of() : Map.of("METRICS_ENABLED", "false"));
    } else {
      stack = BenchStack.remote(options);
    }
    // Ctrl-C or a timeout must not leave the embedded PostgreSQL running.
    Thread stopOnExit = new Thread(stack::close, "bench-stop-stack");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    meta.put("stackStartSeconds", ResourceMonitor.round2((System.nanoTime() - stackStart) / 1e9));
    meta.put("stackSettings", stack.benchSettings());
    ResourceMonitor monitor = new ResourceMonitor(stack::postgresPid);
    try {
      new Phases(options, stack, monitor, results, errors).runAll();
    } finally {
      monitor.close();
      log.info("stopping the stack");
      stack.close();
    }
    meta.put("totalSeconds", ResourceMonitor.round2((System.nanoTime() - started) / 1e9));
    meta.put("errors", errors);
    write();
    return errors.isEmpty() ? 0 : 1;
  }

  private void describeMachine() {
    meta.put("commit", GitInfo.commit());
    meta.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    meta.put("cores", Runtime.getRuntime().availableProcessors());
    meta.put("javaVersion", System.getProperty("java.version"));
    meta.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    meta.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576);
    meta.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    meta.put("ulimitN", ResourceMonitor.openFileLimit());
    meta.put("loadAverageAtStart", ResourceMonitor.round2(ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage()));
    meta.put("target", options.embedded() ? "embedded local stack (in this JVM)" : "deployment at "
        + options.gateway().orElse("") + " (gateway) and " + options.webSocket().orElse("") + " (WebSocket)");
    meta.put("options", options.describe());
  }

  interface Body {
    void run() throws Exception;
  }

  private void step(String name, Body body) {
    try {
      log.info("{} ...", name);
      body.run();
    } catch (Exception e) {
      log.error("{} failed", name, e);
      errors.add(name + ": " + e);
    }
  }

  private void write() throws Exception {
    String markdown = Report.markdown(results);
    System.out.println();
    System.out.println(markdown);
    Path directory = options.resultsDirectory();
    Files.createDirectories(directory);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(directory.resolve("latest.json"), json.writeValueAsString(results) + "\n");
    Files.writeString(directory.resolve("latest.html"), HtmlReport.render(results, markdown));
    Files.writeString(directory.resolve("latest.md"), markdown);
    System.out.println("results: " + directory.resolve("latest.json") + ", " + directory.resolve("latest.html"));
    Path readme = directory.toAbsolutePath().getParent().resolve("README.md");
    if (options.updateReadme() && Files.exists(readme)) {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      int start = text.indexOf(README_START);
      int end = text.indexOf(README_END);
      if (start >= 0 && end > start) {
        Files.writeString(readme, text.substring(0, start + README_START.length()) + "\n" + markdown
            + text.substring(end), StandardCharsets.UTF_8);
        System.out.println("updated the results section of " + readme);
      }
    }
  }
}
