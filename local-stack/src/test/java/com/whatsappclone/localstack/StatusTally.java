package com.whatsappclone.localstack;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers counted by phase and status code, the table printed at the end, and the answers that
 * must never happen (UNKNOWN, INTERNAL) with what provoked them.
 */
final class StatusTally {

  static final Set<Status.Code> FORBIDDEN = EnumSet.of(Status.Code.UNKNOWN, Status.Code.INTERNAL);
  private static final int EXAMPLES_KEPT = 20;

  private final Map<String, Map<Status.Code, Integer>> counts = new LinkedHashMap<>();
  private final Map<String, Map<Status.Code, Integer>> byMethod = new java.util.TreeMap<>();
  private final Map<String, List<String>> forbidden = new LinkedHashMap<>();

  synchronized void record(String phase, String method, String input, Status status) {
    counts.computeIfAbsent(phase, p -> new EnumMap<>(Status.Code.class)).merge(status.getCode(), 1, Integer::sum);
    byMethod.computeIfAbsent(method, m -> new EnumMap<>(Status.Code.class)).merge(status.getCode(), 1, Integer::sum);
    if (FORBIDDEN.contains(status.getCode())) {
      List<String> examples = forbidden.computeIfAbsent(phase, p -> new ArrayList<>());
      if (examples.size() < EXAMPLES_KEPT) {
        examples.add(method + " <- " + input + ": " + status.getCode() + " " + status.getDescription());
      }
    }
  }

  /** What provoked a forbidden answer in this phase (up to 20), as "method <- input: CODE description". */
  synchronized List<String> forbiddenIn(String phase) {
    return List.copyOf(forbidden.getOrDefault(phase, List.of()));
  }

  synchronized int total(String phase) {
    return counts.getOrDefault(phase, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
  }

  /** One row per phase, one column per status code seen. */
  synchronized String table() {
    return table("phase", counts);
  }

  /** One row per RPC, all phases together: how deep the fuzz got into each. */
  synchronized String methodTable() {
    return table("rpc", byMethod);
  }

  private static String table(String title, Map<String, Map<Status.Code, Integer>> rows) {
    Set<Status.Code> seen = EnumSet.noneOf(Status.Code.class);
    rows.values().forEach(byCode -> seen.addAll(byCode.keySet()));
    int width = Math.max(title.length(), rows.keySet().stream().mapToInt(String::length).max().orElse(5));
    StringBuilder out = new StringBuilder(String.format("%-" + width + "s", title));
    for (Status.Code code : seen) {
      out.append(String.format(" %" + Math.max(5, code.name().length()) + "s", code.name()));
    }
    out.append(String.format(" %6s%n", "total"));
    rows.forEach((row, byCode) -> {
      out.append(String.format("%-" + width + "s", row));
      for (Status.Code code : seen) {
        out.append(String.format(" %" + Math.max(5, code.name().length()) + "d", byCode.getOrDefault(code, 0)));
      }
      out.append(String.format(" %6d%n", byCode.values().stream().mapToInt(Integer::intValue).sum()));
    });
    return out.toString();
  }
}
