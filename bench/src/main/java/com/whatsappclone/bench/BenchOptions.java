package com.whatsappclone.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Command-line options ({@code --name=value}); {@link #usage()} lists them. */
record BenchOptions(
    int users,
    Duration duration,
    Duration stepDuration,
    int startRate,
    int maxRate,
    int fixedRate,
    int refineSteps,
    int groupSize,
    int payloadBytes,
    boolean ack,
    double p99TargetMillis,
    int connections,
    int sourceAddresses,
    int fanoutMembers,
    int fanoutRepeats,
    Optional<String> gateway,
    Optional<String> webSocket,
    Optional<String> databaseUrl,
    Optional<String> databaseUser,
    Optional<String> databasePassword,
    Optional<String> kafka,
    Set<String> skip,
    Path resultsDirectory,
    boolean updateReadme,
    boolean dumpThreads,
    boolean metrics) {

  /** Parts that can be left out; signing in (the auth figures) always runs: everything needs users. */
  static final List<String> PARTS = List.of("jmh", "limits", "e2e", "fanout", "capacity");

  static String usage() {
    return String.join(System.lineSeparator(),
        "usage: java -jar bench/target/whatsapp-bench.jar [options]",
        "",
        "Without --target it starts the embedded local stack in this process (fresh temporary data,",
        "free ports) and measures it; with --target it measures a running deployment.",
        "",
        "  --users=N             users in the messaging load (default 1024)",
        "  --duration=30s        length of the final run at the highest passing rate",
        "  --step=10s            length of each ramp step",
        "  --start-rate=100      first ramp step, messages sent per second",
        "  --max-rate=20000      the ramp stops here",
        "  --rate=N              no ramp: one run of --duration at N messages/s",
        "  --refine=2            bisection steps between the last passing and first failing rate",
        "  --group-size=8        members per group conversation (half the messages go to groups)",
        "  --payload=100         message content bytes",
        "  --ack=true            recipients acknowledge every message, as the app does",
        "  --p99=250             latency target (ms) a ramp step must meet",
        "  --connections=20000   idle WebSocket connections to try to hold",
        "  --sources=8           client source addresses 127.0.0.2..(1+N) for those connections",
        "  --fanout-members=1024 members of the group whose message delivery time is measured",
        "                        (WhatsApp's group size; a chat that caps groups lower refuses it)",
        "  --fanout-repeats=10   messages sent to that group, one after the other",
        "  --target=GW:PORT,WS:PORT   a running deployment: the gateway's gRPC address and the",
        "                        realtime WebSocket address (host:port, /ws is added)",
        "  --database-url=jdbc:postgresql://HOST:PORT/DB --database-user=U --database-password=P",
        "  --kafka=HOST:PORT     with --target: where to measure the PostgreSQL and Kafka limits",
        "                        (a scratch schema and a scratch topic, dropped afterwards)",
        "  --skip=a,b            leave out parts: " + String.join(", ", PARTS),
        "  --results=bench/results   where latest.json and latest.html go",
        "  --update-readme=true  rewrite the results section of bench/README.md (when present)",
        "  --dump-threads        log every thread name seen (digits as N) with its CPU and component",
        "                        after the ramp: for checking the prefix table in CpuComponents",
        "  --metrics=true        the embedded stack's metrics (METRICS_ENABLED); false for the overhead figure",
        "  --quick               a small run for trying things out (200 users, short steps)");
  }

  static BenchOptions parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new UsageException("");
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument " + arg);
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
      values.put(name, equals < 0 ? "true" : arg.substring(equals + 1));
    }
    boolean quick = Boolean.parseBoolean(values.remove("quick"));
    Reader r = new Reader(values);
    Optional<String> target = r.optional("target");
    Optional<String> gateway = Optional.empty();
    Optional<String> webSocket = Optional.empty();
    if (target.isPresent()) {
      String[] parts = target.get().split(",");
      if (parts.length != 2) {
        throw new UsageException("--target needs two addresses: GATEWAY_HOST:PORT,WEBSOCKET_HOST:PORT");
      }
      gateway = Optional.of(hostPort(parts[0].trim()));
      webSocket = Optional.of(hostPort(parts[1].trim()));
    }
    Set<String> skip = new TreeSet<>();
    for (String part : r.string("skip", "").split(",")) {
      if (!part.isBlank()) {
        String name = part.trim().toLowerCase(Locale.ROOT);
        if (!PARTS.contains(name)) {
          throw new UsageException("--skip: unknown part " + name + " (one of " + String.join(", ", PARTS) + ")");
        }
        skip.add(name);
      }
    }
    BenchOptions options = new BenchOptions(
        r.integer("users", quick ? 200 : 1024, 2, 1_000_000),
        r.duration("duration", quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30)),
        r.duration("step", quick ? Duration.ofSeconds(5) : Duration.ofSeconds(10)),
        r.integer("start-rate", quick ? 50 : 100, 1, 1_000_000),
        r.integer("max-rate", 20_000, 1, 1_000_000),
        r.integer("rate", 0, 0, 1_000_000),
        r.integer("refine", quick ? 1 : 2, 0, 10),
        r.integer("group-size", 8, 3, 256),
        r.integer("payload", 100, 24, 65_000),
        r.bool("ack", true),
        r.integer("p99", 250, 1, 60_000),
        r.integer("connections", quick ? 2_000 : 20_000, 0, 1_000_000),
        r.integer("sources", 8, 1, 250),
        r.integer("fanout-members", quick ? 64 : 1024, 3, 100_000),
        r.integer("fanout-repeats", quick ? 3 : 10, 1, 1000),
        gateway,
        webSocket,
        r.optional("database-url"),
        r.optional("database-user"),
        r.optional("database-password"),
        r.optional("kafka"),
        skip,
        Path.of(r.string("results", "bench/results")),
        r.bool("update-readme", true),
        r.bool("dump-threads", false),
        r.bool("metrics", true));
    if (!values.isEmpty()) {
      throw new UsageException("unknown option(s): --" + String.join(", --", values.keySet()));
    }
    return options;
  }

  boolean runs(String part) {
    return !skip.contains(part);
  }

  boolean embedded() {
    return gateway.isEmpty();
  }

  /** The options as given, for the results file (never a password). */
  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("users", users);
    out.put("durationSeconds", duration.toSeconds());
    out.put("stepSeconds", stepDuration.toSeconds());
    out.put("startRate", startRate);
    out.put("maxRate", maxRate);
    out.put("fixedRate", fixedRate);
    out.put("refineSteps", refineSteps);
    out.put("groupSize", groupSize);
    out.put("payloadBytes", payloadBytes);
    out.put("ack", ack);
    out.put("p99TargetMillis", p99TargetMillis);
    out.put("connections", connections);
    out.put("sourceAddresses", sourceAddresses);
    out.put("fanoutMembers", fanoutMembers);
    out.put("fanoutRepeats", fanoutRepeats);
    out.put("target", gateway.map(g -> g + "," + webSocket.orElse("")).orElse("embedded local stack"));
    out.put("skip", List.copyOf(skip));
    out.put("metrics", metrics);
    return out;
  }

  private static String hostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UsageException("expected host:port, got " + value);
    }
    try {
      Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("expected host:port, got " + value);
    }
    return value;
  }

  /** A bad command line; the message says what is wrong (empty for --help). */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Takes each option out of the map as it is read, so leftovers are unknown options. */
  private record Reader(Map<String, String> values) {

    Optional<String> optional(String name) {
      String value = values.remove(name);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String string(String name, String fallback) {
      return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
      Optional<String> value = optional(name);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value.get().replace("_", ""));
        if (parsed < min || parsed > max) {
          throw new UsageException("--" + name + " must be between " + min + " and " + max);
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a whole number, got " + value.get());
      }
    }

    boolean bool(String name, boolean fallback) {
      Optional<String> value = optional(name);
      if (value.isEmpty()) {
        return fallback;
      }
      return switch (value.get().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw new UsageException("--" + name + " must be true or false");
      };
    }

    Duration duration(String name, Duration fallback) {
      Optional<String> value = optional(name);
      if (value.isEmpty()) {
        return fallback;
      }
      String text = value.get().toLowerCase(Locale.ROOT);
      try {
        Duration parsed;
        if (text.endsWith("ms")) {
          parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        } else if (text.endsWith("s")) {
          parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        } else if (text.endsWith("m")) {
          parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        } else {
          parsed = Duration.ofSeconds(Long.parseLong(text));
        }
        if (parsed.isNegative() || parsed.isZero() || parsed.compareTo(Duration.ofMinutes(30)) > 0) {
          throw new UsageException("--" + name + " must be between 1ms and 30m");
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a duration such as 30s or 2m, got " + value.get());
      }
    }
  }
}
