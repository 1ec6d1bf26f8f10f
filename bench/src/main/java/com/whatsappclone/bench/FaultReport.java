package com.whatsappclone.bench;

import java.util.List;
import java.util.Map;

/** The fault suite's table (bench/README.md "Fault suite") and its one-line summaries. */
final class FaultReport {

  private FaultReport() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results) {
    Map<String, Object> meta = (Map<String, Object>) results.get("meta");
    List<Map<String, Object>> scenarios = (List<Map<String, Object>>) results.get("scenarios");
    StringBuilder out = new StringBuilder();
    out.append("Measured at commit `").append(meta.get("commit")).append("`, ").append(meta.get("date"))
        .append(", ").append(meta.get("cores")).append(" cores, ").append(meta.get("rate"))
        .append(" msg/s over ").append(meta.get("conversations")).append(" one-to-one conversations; load average ")
        .append(meta.get("loadAverageAtStart")).append(" at the start, ").append(meta.get("loadAverageAtEnd"))
        .append(" at the end; ").append(meta.get("totalSeconds")).append(" s in all.\n\n");
    out.append("| scenario | pass | sent tries | acked | stored | delivered | lost | dup | redelivered "
        + "| receipts missing | acks refused | status codes | longest without storing (s) | without storing after fault end (s) "
        + "| longest without delivering (s) | recover (s) | calls during fault | peak threads |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> s : scenarios) {
      if (s.containsKey("error")) {
        out.append("| ").append(s.get("scenario")).append(" | did not run: ")
            .append(String.valueOf(s.get("error")).replace("|", "/")).append(" |").append(" |".repeat(16)).append("\n");
        continue;
      }
      Map<String, Object> verdict = (Map<String, Object>) s.get("verdict");
      Map<String, Object> calls = (Map<String, Object>) s.get("callsDuringFault");
      out.append("| ").append(s.get("scenario"))
          .append(" | ").append(Boolean.TRUE.equals(verdict.get("pass")) ? "pass" : "**fail**: "
              + String.join("; ", (List<String>) verdict.get("failed")))
          .append(" | ").append(s.get("sentAttempts"))
          .append(" | ").append(s.get("acknowledged"))
          .append(" | ").append(s.get("stored"))
          .append(" | ").append(s.get("delivered"))
          .append(" | ").append(s.get("lost"))
          .append(" | ").append(s.get("duplicated"))
          .append(" | ").append(s.get("redelivered"))
          .append(" | ").append(s.get("receiptsMissing"))
          .append(" | ").append(refused(s.get("serverErrorFrames")))
          .append(" | ").append(compact(s.get("statusCodes")))
          .append(" | ").append(s.get("longestWithoutStoringSeconds"))
          .append(" | ").append(s.get("withoutStoringAfterFaultEndSeconds"))
          .append(" | ").append(s.get("longestWithoutDeliveringSeconds"))
          .append(" | ").append(s.get("recoverSeconds") == null ? "not within the phase" : s.get("recoverSeconds"))
          .append(" | ").append(compact(calls.get("codes"))).append(", slowest ").append(calls.get("slowestMillis"))
          .append(" ms")
          .append(" | ").append(compact(s.get("peakThreads")))
          .append(" |\n");
    }
    return out.toString();
  }

  /** Error frames refusing a frame (RESOURCE_EXHAUSTED: in this load, acks). */
  @SuppressWarnings("unchecked")
  private static long refused(Object frames) {
    return ((Map<String, Object>) frames).entrySet().stream().filter(e -> e.getKey().startsWith("RESOURCE_EXHAUSTED"))
        .mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
  }

  private static String compact(Object map) {
    return String.valueOf(map).replace("{", "").replace("}", "").replace("=", " ").replace("|", "/");
  }

  static String oneLine(Map<String, Object> s) {
    return "acked " + s.get("acknowledged") + ", stored " + s.get("stored") + ", delivered " + s.get("delivered")
        + ", lost " + s.get("lost") + ", dup " + s.get("duplicated") + ", receipts missing " + s.get("receiptsMissing")
        + ", without storing " + s.get("longestWithoutStoringSeconds") + " s (after fault end "
        + s.get("withoutStoringAfterFaultEndSeconds") + " s), recover " + s.get("recoverSeconds") + " s, codes "
        + s.get("statusCodes") + ", " + s.get("verdict");
  }
}
