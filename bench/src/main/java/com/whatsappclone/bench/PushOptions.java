package com.whatsappclone.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The push bench's command line ({@code --push [--quick] [--recipients=N] ...}). */
record PushOptions(boolean quick, int recipients, List<Integer> rates, Duration step, int rate, Duration duration,
    int users, int offlinePercent, int maxPending, int perDevicePerMinute, Path results, boolean updateReadme) {

  static String usage() {
    return String.join(System.lineSeparator(),
        "usage: java -jar bench/target/whatsapp-bench.jar --push [options]",
        "",
        "Starts the embedded stack three times in this process (push off; push on against a local FCM",
        "in this JVM; push on with a small PUSH_MAX_PENDING) and measures pushes per second to offline",
        "recipients, and the message path's rate and latency with push off, on, and on with the",
        "provider stalled; writes",
        "results/push.json and the \"Push notifications\" section of bench/README.md.",
        "",
        "  --quick                 a smoke run: 200 recipients, steps of 100 and 250 msg/s for 5 s,",
        "                          the message path at 150 msg/s for 10 s with 200 users, --max-pending=100",
        "  --recipients=1000       offline recipients, each signed in once with an FCM token",
        "  --rates=250,500,1000    offered rates of the offline push phase, messages/s",
        "  --step=15s              length of each of those steps",
        "  --rate=300              the message path's rate, messages/s (the bench's mix)",
        "  --duration=30s          length of each message-path run",
        "  --users=1024            connected users of the message path (they ack, as the app does)",
        "  --offline-percent=10    extra messages to offline recipients during the message-path runs",
        "  --max-pending=200       PUSH_MAX_PENDING of the third stack (run d, stalled again): low",
        "                          enough for the backlog to reach the 90 % pause mark; runs b and c",
        "                          keep the default (10000), which also bounds the grace checks",
        "  --per-device=1000       PUSH_PER_DEVICE_PER_MINUTE (its maximum: the rate phase measures",
        "                          push, not the per-device limit)",
        "  --results=bench/results where push.json goes",
        "  --update-readme=true    rewrite the push section of bench/README.md");
  }

  static PushOptions parse(String[] args) {
    boolean quick = List.of(args).contains("--quick");
    int recipients = quick ? 200 : 1000;
    List<Integer> rates = quick ? List.of(100, 250) : List.of(250, 500, 1000);
    Duration step = Duration.ofSeconds(quick ? 5 : 15);
    int rate = quick ? 150 : 300;
    Duration duration = Duration.ofSeconds(quick ? 10 : 30);
    int users = quick ? 200 : 1024;
    int offline = 10;
    int maxPending = quick ? 100 : 200;
    int perDevice = 1000;
    Path results = Path.of("bench/results");
    boolean readme = true;
    for (String arg : args) {
      if (arg.equals("--push") || arg.equals("--quick")) {
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
        case "recipients" -> recipients = positive(name, value);
        case "rates" -> {
          rates = new ArrayList<>();
          for (String r : value.split(",")) {
            rates.add(positive(name, r.trim()));
          }
          rates = List.copyOf(rates);
        }
        case "step" -> step = Duration.ofSeconds(positive(name, value.replace("s", "")));
        case "rate" -> rate = positive(name, value);
        case "duration" -> duration = Duration.ofSeconds(positive(name, value.replace("s", "")));
        case "users" -> users = Math.max(2, positive(name, value));
        case "offline-percent" -> offline = positive(name, value);
        case "max-pending" -> maxPending = positive(name, value);
        case "per-device" -> perDevice = Math.min(1000, positive(name, value));
        case "results" -> results = Path.of(value);
        case "update-readme" -> readme = Boolean.parseBoolean(value);
        default -> throw new BenchOptions.UsageException("unknown option --" + name);
      }
    }
    return new PushOptions(quick, recipients, rates, step, rate, duration, users, offline, maxPending, perDevice,
        results, readme);
  }

  private static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value.replace("_", ""));
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BenchOptions.UsageException("--" + name + " must be a positive whole number, got " + value);
    }
  }

  /** Senders of the offline messages: enough that none nears the gateway's 100 calls/s per user. */
  int senders() {
    int highest = rates.stream().mapToInt(Integer::intValue).max().orElse(rate);
    return Math.min(recipients, Math.max(10, (int) Math.ceil(highest / 20.0)));
  }

  /** The message load's own options: a fixed-rate run at {@link #rate()} (the warm-up at that rate too). */
  BenchOptions loadOptions() {
    return BenchOptions.parse(new String[] {"--users=" + users, "--rate=" + rate,
        "--duration=" + duration.toSeconds() + "s", "--step=" + (quick ? 5 : 10) + "s", "--start-rate=" + rate,
        "--update-readme=false"});
  }
}
