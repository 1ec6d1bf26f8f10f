package com.whatsappclone.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The fault suite's command line ({@code --faults [--scenarios=a,b] [--rate=N] ...}). */
record FaultOptions(List<String> scenarios, int rate, Duration steady, Duration recover, Duration drain, Duration warmUp,
    Path results, Path logs, boolean updateReadme) {

  static String usage() {
    return String.join(System.lineSeparator(),
        "usage: java -jar bench/target/whatsapp-bench.jar --faults [options]",
        "",
        "Starts PostgreSQL, Kafka and the services as separate processes (fresh temporary data, free",
        "ports), drives SendMessage at a steady rate with idempotent retries, injects each fault and",
        "writes results/faults.json and the fault table of bench/README.md.",
        "",
        "  --scenarios=a,b      a subset of: " + String.join(", ", FaultScenario.NAMES) + " (default all)",
        "  --rate=100           messages per second",
        "  --steady=20s         steady phase before each fault",
        "  --recover=30s        load goes on this long after the fault ended",
        "  --warm-up=20s        load before the first scenario, not measured (the JIT of fresh JVMs)",
        "  --drain=25s          at most this long for the last acks, deliveries and receipts",
        "  --results=bench/results   where faults.json goes",
        "  --logs=bench/target/fault-logs   every process's log (kept after the run)",
        "  --update-readme=true rewrite the fault table of bench/README.md");
  }

  static FaultOptions parse(String[] args) {
    List<String> scenarios = new ArrayList<>(FaultScenario.NAMES);
    int rate = 100;
    Duration steady = Duration.ofSeconds(20);
    Duration recover = Duration.ofSeconds(30);
    Duration drain = Duration.ofSeconds(25);
    Duration warmUp = Duration.ofSeconds(20);
    Path results = Path.of("bench/results");
    Path logs = Path.of("bench/target/fault-logs");
    boolean readme = true;
    for (String arg : args) {
      if (arg.equals("--faults")) {
        continue;
      }
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new BenchOptions.UsageException("");
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new BenchOptions.UsageException("unexpected argument " + arg);
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1).trim();
      switch (name) {
        case "scenarios" -> {
          scenarios = new ArrayList<>();
          for (String s : value.split(",")) {
            if (!FaultScenario.NAMES.contains(s.trim())) {
              throw new BenchOptions.UsageException("unknown scenario " + s + " (one of " + FaultScenario.NAMES + ")");
            }
            scenarios.add(s.trim());
          }
        }
        case "rate" -> rate = positive(name, value);
        case "steady" -> steady = Duration.ofSeconds(positive(name, value.replace("s", "")));
        case "recover" -> recover = Duration.ofSeconds(positive(name, value.replace("s", "")));
        case "drain" -> drain = Duration.ofSeconds(positive(name, value.replace("s", "")));
        case "warm-up" -> warmUp = Duration.ofSeconds(positive(name, value.replace("s", "")));
        case "results" -> results = Path.of(value);
        case "logs" -> logs = Path.of(value);
        case "update-readme" -> readme = Boolean.parseBoolean(value);
        default -> throw new BenchOptions.UsageException("unknown option --" + name);
      }
    }
    return new FaultOptions(List.copyOf(scenarios), rate, steady, recover, drain, warmUp, results, logs, readme);
  }

  private static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BenchOptions.UsageException("--" + name + " must be a positive whole number, got " + value);
    }
  }
}
