package com.whatsappclone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * The fault suite ({@code java -jar bench/target/whatsapp-bench.jar --faults}, bench/README.md
 * "Fault suite"): the stack as separate processes, a steady load with idempotent retries, one
 * fault per scenario, and per scenario what was lost, duplicated, left without its receipt, how
 * long nothing was stored, how long recovery took; results/faults.json and the README table.
 */
public final class FaultsMain {

  private static final String README_START = "<!-- faults:start -->";
  private static final String README_END = "<!-- faults:end -->";

  private FaultsMain() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", BenchMain.LOGBACK_CONFIG);
    }
    FaultOptions options;
    try {
      options = FaultOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
        System.err.println();
      }
      System.err.println(FaultOptions.usage());
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    System.exit(run(options));
  }

  private static int run(FaultOptions options) throws Exception {
    Logger log = LoggerFactory.getLogger(FaultsMain.class);
    long started = System.nanoTime();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("commit", GitInfo.commit());
    meta.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    meta.put("cores", Runtime.getRuntime().availableProcessors());
    meta.put("javaVersion", System.getProperty("java.version"));
    meta.put("rate", options.rate());
    meta.put("steadySeconds", options.steady().toSeconds());
    meta.put("recoverSeconds", options.recover().toSeconds());
    meta.put("warmUpSeconds", options.warmUp().toSeconds());
    meta.put("loadAverageAtStart", loadAverage());
    meta.put("users", FaultScenario.USERS);
    meta.put("conversations", FaultScenario.USERS / 2);
    List<Map<String, Object>> scenarios = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    FaultStack stack = new FaultStack(options.logs());
    try {
      log.info("starting PostgreSQL, Kafka and 8 service processes (logs in {})", options.logs());
      long stackStart = System.nanoTime();
      stack.startAll();
      meta.put("stackStartSeconds", ResourceMonitor.round2((System.nanoTime() - stackStart) / 1e9));
      meta.put("settings", stack.describedSettings);
      warmUp(stack, options, log);
      for (String name : options.scenarios()) {
        log.info("==== scenario {}", name);
        long scenarioStart = System.nanoTime();
        try {
          Map<String, Object> result = new FaultScenario(name, stack, options).run();
          result.put("scenarioSeconds", ResourceMonitor.round2((System.nanoTime() - scenarioStart) / 1e9));
          scenarios.add(result);
          log.info("{}: {}", name, FaultReport.oneLine(result));
        } catch (Exception e) {
          log.error("scenario {} failed to run", name, e);
          errors.add(name + ": " + e);
          Map<String, Object> failed = new LinkedHashMap<>();
          failed.put("scenario", name);
          failed.put("error", String.valueOf(e));
          scenarios.add(failed);
        }
      }
    } finally {
      log.info("stopping every process of the stack");
      stack.close();
    }
    meta.put("loadAverageAtEnd", loadAverage());
    meta.put("totalSeconds", ResourceMonitor.round2((System.nanoTime() - started) / 1e9));
    meta.put("errors", errors);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("meta", meta);
    results.put("scenarios", scenarios);
    write(options, results);
    return errors.isEmpty() ? 0 : 1;
  }

  /** /proc/loadavg's first three figures: the machine may be shared with other work. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * Freshly started JVMs on a small machine run the first seconds of load at a fraction of their
   * speed (the JIT): a scenario right after the start-up would measure that, not the fault.
   */
  private static void warmUp(FaultStack stack, FaultOptions options, Logger log) throws Exception {
    log.info("warm-up: {} s at {} msg/s, not measured", options.warmUp().toSeconds(), options.rate());
    try (FaultLoad load = new FaultLoad(stack, FaultScenario.USERS, options.rate())) {
      load.prepare();
      load.startSending();
      Thread.sleep(options.warmUp().toMillis());
      load.stopSending();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (load.pendingSends.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      log.info("warm-up: {} messages, {} still unacknowledged, codes {}", load.outgoing.size(),
          load.pendingSends.get(), load.codes);
    }
  }

  private static void write(FaultOptions options, Map<String, Object> results) throws Exception {
    Files.createDirectories(options.results());
    Path json = options.results().resolve("faults.json");
    Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(results) + "\n");
    System.out.println("results: " + json);
    String markdown = FaultReport.markdown(results);
    System.out.println();
    System.out.println(markdown);
    Path readme = options.results().toAbsolutePath().getParent().resolve("README.md");
    if (options.updateReadme() && Files.exists(readme)) {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      int start = text.indexOf(README_START);
      int end = text.indexOf(README_END);
      if (start >= 0 && end > start) {
        Files.writeString(readme, text.substring(0, start + README_START.length()) + "\n" + markdown
            + text.substring(end), StandardCharsets.UTF_8);
        System.out.println("updated the fault table of " + readme);
      }
    }
  }
}
