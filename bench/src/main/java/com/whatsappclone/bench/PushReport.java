package com.whatsappclone.bench;

import java.util.List;
import java.util.Map;

/** The push bench's tables (bench/README.md "Push notifications"), a short reading, and its log lines. */
final class PushReport {

  private PushReport() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results) {
    Map<String, Object> meta = (Map<String, Object>) results.get("meta");
    Map<String, Object> rate = (Map<String, Object>) results.get("offlinePushRate");
    Map<String, Object> path = (Map<String, Object>) results.get("messagePath");
    Map<String, Object> settings = (Map<String, Object>) meta.get("pushSettings");
    StringBuilder out = new StringBuilder();
    out.append("Measured at commit `").append(meta.get("commit")).append("`, ").append(meta.get("date")).append(", ")
        .append(meta.get("cores")).append(" cores").append(Boolean.TRUE.equals(meta.get("quick")) ? ", **--quick**" : "")
        .append("; load average ").append(meta.get("loadAverageAtStart")).append(" at the start, ")
        .append(meta.get("loadAverageAtEnd")).append(" at the end; ").append(meta.get("totalSeconds"))
        .append(" s in all. Push on: FCM HTTP v1 to `FakeFcm` in the bench's JVM, `PUSH_PER_DEVICE_PER_MINUTE=")
        .append(settings.get("PUSH_PER_DEVICE_PER_MINUTE")).append("` (its maximum: the rate phase measures push, not the "
            + "per-device limit), `PUSH_MAX_PENDING` ").append(settings.get("PUSH_MAX_PENDING"))
        .append(", the rest defaults.\n\n");
    List<String> errors = (List<String>) meta.get("errors");
    if (errors != null && !errors.isEmpty()) {
      out.append("**Errors:** ").append(String.join("; ", errors).replace("|", "/")).append("\n\n");
    }

    if (rate != null) {
      out.append("**Offline push rate**: ").append(rate.get("recipients")).append(" recipients signed in, each with an "
          + "FCM token and no WebSocket, ").append(rate.get("senders")).append(" senders, ")
          .append(rate.get("stepSeconds")).append(" s per step; push latency from SendMessage's answer to the fake "
              + "receiving the push.\n\n");
      out.append("| offered msg/s | accepted msg/s | pushes/s | pushes per message | push p50 / p99 / max (ms) "
          + "| SendMessage p99 (ms) | send failures | CPU µs per push (all / worker / machine) |\n");
      out.append("|---|---|---|---|---|---|---|---|\n");
      for (Map<String, Object> step : (List<Map<String, Object>>) rate.get("steps")) {
        Map<String, Object> latency = (Map<String, Object>) step.get("pushLatency");
        Map<String, Object> rpc = (Map<String, Object>) step.get("sendMessageLatency");
        Map<String, Object> cpu = (Map<String, Object>) step.get("cpuMicrosPerPush");
        out.append("| ").append(Report.num(step.get("offeredPerSecond")))
            .append(" | ").append(step.get("acceptedPerSecond"))
            .append(" | ").append(step.get("pushesPerSecond"))
            .append(" | ").append(step.get("pushesPerMessage"))
            .append(" | ").append(latency.get("p50Ms")).append(" / ").append(latency.get("p99Ms")).append(" / ")
            .append(latency.get("maxMs"))
            .append(" | ").append(rpc.get("p99Ms"))
            .append(" | ").append(compact(step.get("sendFailures")))
            .append(" | ").append(cpu == null ? "" : cpu.get("total") + " / " + cpu.get(CpuComponents.MESSAGE_WORKER))
            .append(" / ").append(step.get("machineCpuMicrosPerPush"))
            .append(" |\n");
      }
      out.append("\n");
    }

    List<Map<String, Object>> runs = path == null ? List.of() : (List<Map<String, Object>>) path.get("runs");
    if (!runs.isEmpty()) {
      out.append("**Message path**: ").append(path.get("rate")).append(" msg/s for ").append(path.get("seconds"))
          .append(" s, ").append(path.get("load")).append(".\n\n");
      out.append("| run | delivered/s | stored/s | p50 / p99 / max (ms) | lost | dup | refused | unanswered "
          + "| offline msgs accepted | their pushes (stalled runs: after the release) | pushes to connected devices | consumer paused "
          + "| grace checks dropped (at least) |\n");
      out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      StringBuilder backlogs = new StringBuilder();
      for (Map<String, Object> run : runs) {
        Map<String, Object> latency = (Map<String, Object>) run.get("latency");
        Map<String, Object> offline = (Map<String, Object>) run.get("offline");
        out.append("| ").append(run.get("run"))
            .append(run.get("stoppedEarly") == null ? "" : " (**stopped early** " + run.get("stoppedEarly") + ")")
            .append(" | ").append(run.get("deliveredPerSecond"))
            .append(" | ").append(run.get("messagesStoredPerSecond"))
            .append(" | ").append(latency.get("p50Ms")).append(" / ").append(latency.get("p99Ms")).append(" / ")
            .append(latency.get("maxMs"))
            .append(" | ").append(run.get("lost"))
            .append(" | ").append(run.get("duplicates"))
            .append(" | ").append(compact(run.get("sendFailures")))
            .append(" | ").append(run.get("sendsUnanswered"))
            .append(" | ").append(offline.get("messagesAccepted"))
            .append(" | ").append(run.get("pushOn") == Boolean.TRUE ? offline.get("pushes") : "(push off)")
            .append(" | ").append(run.get("pushOn") == Boolean.TRUE ? run.get("pushesToConnectedDevices") : "")
            .append(" | ").append(run.get("pushOn") == Boolean.TRUE ? run.get("consumerPaused") : "")
            .append(" | ").append(run.get("pushOn") == Boolean.TRUE ? run.get("graceChecksDropped") : "")
            .append(" |\n");
        if (run.get("pushBacklog") instanceof Map<?, ?> backlog) {
          Map<String, Object> after = (Map<String, Object>) backlog.get("afterRelease");
          backlogs.append("\n").append("Run ").append(run.get("run").toString(), 0, 1).append(", the provider stalled: ")
              .append(backlog.get("offlineMessagesAccepted")).append(" messages to offline recipients accepted, ")
              .append(backlog.get("pushedWhileStalled")).append(" pushed while stalled, ")
              .append(backlog.get("requestsHeldAtProvider")).append(" requests held at the provider at the end, "
                  + "push's consumer paused ").append(backlog.get("consumerPaused")).append(" time(s); after "
                  + "the release ").append(after.get("pushes")).append(" pushes (")
              .append(after.get("messagesPushed")).append(" messages, ").append(after.get("repeatedPushes"))
              .append(" repeated: requests that timed out at the worker were answered later and sent again), "
                  + "the last ").append(after.get("secondsUntilLastPush")).append(" s after it; consumer resumed ")
              .append(after.get("consumerResumed")).append(" time(s).\n");
        }
      }
      out.append(backlogs).append("\n").append(reading(rate, runs)).append("\n");
    }
    return out.toString();
  }

  /** Figures compared, worded the same every run; the README's prose around it is by hand. */
  @SuppressWarnings("unchecked")
  private static String reading(Map<String, Object> rate, List<Map<String, Object>> runs) {
    StringBuilder out = new StringBuilder("Reading: ");
    if (rate != null) {
      Map<String, Object> best = null;
      boolean allPushed = true;
      for (Map<String, Object> step : (List<Map<String, Object>>) rate.get("steps")) {
        if (best == null || number(step.get("pushesPerSecond")) > number(best.get("pushesPerSecond"))) {
          best = step;
        }
        allPushed &= number(step.get("messagesPushed")) >= number(step.get("messagesAccepted"));
      }
      if (best != null) {
        out.append("the most pushes per second: ").append(best.get("pushesPerSecond")).append(" at ")
            .append(Report.num(best.get("offeredPerSecond"))).append(" msg/s offered (push p99 ")
            .append(((Map<String, Object>) best.get("pushLatency")).get("p99Ms")).append(" ms); ")
            .append(allPushed ? "every accepted message was pushed in every step; "
                : "not every accepted message was pushed by the end of its step (collapsed or late); ");
      }
    }
    Map<String, Object> off = runs.stream().filter(r -> !Boolean.TRUE.equals(r.get("pushOn"))).findFirst().orElse(null);
    for (Map<String, Object> run : runs) {
      if (run == off || off == null) {
        continue;
      }
      out.append(run.get("run").toString(), 0, 1).append(" against a: delivered/s ")
          .append(change(run.get("deliveredPerSecond"), off.get("deliveredPerSecond")))
          .append(", p99 ").append(change(p99(run), p99(off)))
          .append(" (").append(p99(run)).append(" vs ").append(p99(off)).append(" ms); ");
    }
    long problems = runs.stream().mapToLong(r -> (long) number(r.get("lost")) + (long) number(r.get("duplicates"))
        + (long) number(r.get("sendsUnanswered"))
        + ((Map<String, Object>) r.get("sendFailures")).values().stream().mapToLong(v -> ((Number) v).longValue()).sum())
        .sum();
    out.append(problems == 0 ? "nothing lost, duplicated, refused or unanswered in any run."
        : problems + " messages lost, duplicated, refused or unanswered over the runs (see the table).");
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static Object p99(Map<String, Object> run) {
    return ((Map<String, Object>) run.get("latency")).get("p99Ms");
  }

  private static String change(Object value, Object base) {
    double v = number(value);
    double b = number(base);
    if (b <= 0) {
      return "n/a";
    }
    double percent = (v - b) / b * 100;
    return (percent >= 0 ? "+" : "") + Math.round(percent * 10) / 10.0 + " %";
  }

  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : 0;
  }

  private static String compact(Object map) {
    String text = String.valueOf(map).replace("{", "").replace("}", "").replace("=", " ").replace("|", "/");
    return text.isEmpty() ? "0" : text;
  }

  @SuppressWarnings("unchecked")
  static String rateLine(Map<String, Object> step) {
    Map<String, Object> latency = (Map<String, Object>) step.get("pushLatency");
    return step.get("acceptedPerSecond") + " msg/s accepted, " + step.get("pushesPerSecond") + " pushes/s, "
        + step.get("pushesPerMessage") + " per message, push p50 " + latency.get("p50Ms") + " ms, p99 "
        + latency.get("p99Ms") + " ms, max " + latency.get("maxMs") + " ms, failures " + step.get("sendFailures")
        + ", CPU µs per push " + step.get("cpuMicrosPerPush");
  }

  @SuppressWarnings("unchecked")
  static String runLine(Map<String, Object> run) {
    Map<String, Object> latency = (Map<String, Object>) run.get("latency");
    Map<String, Object> offline = (Map<String, Object>) run.get("offline");
    return run.get("deliveredPerSecond") + " deliveries/s, p50 " + latency.get("p50Ms") + " ms, p99 "
        + latency.get("p99Ms") + " ms, lost " + run.get("lost") + ", refused " + run.get("sendFailures")
        + ", offline accepted " + offline.get("messagesAccepted") + ", their pushes " + offline.get("pushes")
        + ", consumer paused " + run.get("consumerPaused");
  }
}
