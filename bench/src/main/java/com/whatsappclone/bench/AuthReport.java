package com.whatsappclone.bench;

import java.util.List;
import java.util.Map;

/** The auth bench's section of bench/README.md, from results/auth.json's map. */
final class AuthReport {

  private static final List<String> RUNS = List.of("verifyOtpNew16", "verifyOtpMixed64", "refreshToken64");
  private static final List<String> COMPONENTS = List.of(CpuComponents.GATEWAY, CpuComponents.AUTH,
      CpuComponents.POSTGRESQL, CpuComponents.GRPC_SHARED, CpuComponents.LOAD_GENERATOR, CpuComponents.JVM);

  private AuthReport() {}

  /** Statements shown per run, the costliest first. */
  private static final int STATEMENTS_PER_RUN = 5;

  /** The runs' costliest PostgreSQL statements (pg_stat_statements), when they were read. */
  @SuppressWarnings("unchecked")
  private static void statements(Map<String, Object> results, StringBuilder out) {
    StringBuilder rows = new StringBuilder();
    for (String run : List.of("verifyOtpMixed64", "refreshToken64", "reconnectStorm")) {
      Map<String, Object> r = (Map<String, Object>) results.get(run);
      Map<String, Object> work = r == null ? null
          : (Map<String, Object>) r.getOrDefault("perCall", r.get("perConnection"));
      if (work == null || !(work.get("postgresStatements") instanceof List<?> list)) {
        continue;
      }
      String name = run.equals("reconnectStorm") ? "reconnect storm (per connection)" : String.valueOf(r.get("name"));
      for (Object item : list.subList(0, Math.min(STATEMENTS_PER_RUN, list.size()))) {
        Map<String, Object> statement = (Map<String, Object>) item;
        rows.append("| ").append(name).append(" (").append(work.get("postgresExecMicros")).append(" µs in all) | ")
            .append(Report.codeCell(statement.get("statement"))).append(" | ")
            .append(statement.get("calls")).append(" | ").append(statement.get("rowsPerCall")).append(" | ")
            .append(statement.get("execMicros")).append(" | ").append(statement.get("share")).append(" |\n");
      }
    }
    if (rows.length() == 0) {
      return;
    }
    out.append("\nPostgreSQL statements (`pg_stat_statements`, the server's wall time per statement, waits included;"
        + " the ").append(STATEMENTS_PER_RUN).append(" costliest of each run):\n\n")
        .append("| run (server time per call in all) | statement | calls per call | rows per call | µs per call | share |\n")
        .append("|---|---|---:|---:|---:|---:|\n").append(rows);
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results) {
    StringBuilder out = new StringBuilder();
    Map<String, Object> meta = (Map<String, Object>) results.get("meta");
    out.append("Auth bench (`java -jar bench/target/whatsapp-bench.jar --auth`) at ").append(meta.get("commit"))
        .append(", ").append(meta.get("date")).append(", ").append(meta.get("cores"))
        .append(" cores, load average at start ").append(meta.get("loadAverageAtStart"))
        .append(" (a shared machine: the figures are noisy).");
    if (meta.get("warmUp") != null) {
      out.append(" Warm-up first: ").append(meta.get("warmUp")).append(".");
    }
    out.append("\n\n");
    out.append("| run | in flight | calls | calls/s | p50 / p99 ms | CPU µs per call: gateway / auth / PostgreSQL"
        + " / gRPC shared / load gen / JVM / total | PostgreSQL commits per call | failures |\n");
    out.append("|---|---|---|---|---|---|---|---|\n");
    for (String run : RUNS) {
      Map<String, Object> r = (Map<String, Object>) results.get(run);
      if (r == null) {
        continue;
      }
      Map<String, Object> latency = (Map<String, Object>) r.get("latency");
      Map<String, Object> cpu = (Map<String, Object>) r.get("cpuMicrosPerCall");
      Map<String, Object> perCall = (Map<String, Object>) r.get("perCall");
      StringBuilder cpuCell = new StringBuilder();
      for (String component : COMPONENTS) {
        cpuCell.append(cpu == null ? "?" : cpu.get(component)).append(" / ");
      }
      cpuCell.append(cpu == null ? "?" : cpu.get("total"));
      out.append("| ").append(r.get("name")).append(" | ").append(r.get("concurrency")).append(" | ")
          .append(r.get("calls")).append(" | ").append(r.get("callsPerSecond")).append(" | ")
          .append(latency.get("p50Ms")).append(" / ").append(latency.get("p99Ms")).append(" | ")
          .append(cpuCell).append(" | ").append(perCall == null ? "?" : perCall.get("postgresCommits"))
          .append(" | ").append(r.get("failures")).append(" |\n");
    }
    Map<String, Object> storm = (Map<String, Object>) results.get("reconnectStorm");
    if (storm != null) {
      out.append("\nReconnect storm: ").append(storm.get("devices")).append(" devices (")
          .append(storm.get("distinctUsers")).append(" distinct users' tokens) from a child process: ")
          .append(storm.get("open")).append(" open, ").append(storm.get("failed")).append(" failed, all open after ")
          .append(storm.get("secondsUntilAllOpen")).append(" s, handshake p50 / p99 ")
          .append(storm.get("handshakeP50Ms")).append(" / ").append(storm.get("handshakeP99Ms"))
          .append(" ms.\n");
      if (storm.get("receiving") instanceof Map<?, ?> receiving) {
        out.append("Receiving (one message to every user, sent while its devices connect): ")
            .append(receiving.get("devicesReceived")).append(" of ").append(receiving.get("devicesOpen"))
            .append(" devices received it, the last ").append(receiving.get("secondsUntilAllReceived"))
            .append(" s after the storm began (each device's first message p50 / p99 ")
            .append(receiving.get("firstMessageP50Ms")).append(" / ").append(receiving.get("firstMessageP99Ms"))
            .append(" ms from the storm's start); ").append(receiving.get("messagesSent")).append(" messages sent, failures ")
            .append(receiving.get("sendFailures")).append(".\n");
      }
      Map<String, Object> cpu = (Map<String, Object>) storm.get("cpuMicrosPerConnection");
      Map<String, Object> perConnection = (Map<String, Object>) storm.get("perConnection");
      if (cpu != null) {
        out.append("CPU µs per connection opened: realtime ").append(cpu.get(CpuComponents.REALTIME))
            .append(", PostgreSQL ").append(cpu.get(CpuComponents.POSTGRESQL))
            .append(", Kafka broker ").append(cpu.get(CpuComponents.KAFKA_BROKER))
            .append(", JVM ").append(cpu.get(CpuComponents.JVM))
            .append(", this JVM and PostgreSQL ").append(cpu.get("total"))
            .append("; the whole machine (the storm client's JVM included) ")
            .append(storm.get("machineCpuMicrosPerConnection")).append("; PostgreSQL commits per connection ")
            .append(perConnection == null ? "?" : perConnection.get("postgresCommits")).append(".\n");
      }
    }
    statements(results, out);
    List<?> errors = (List<?>) meta.get("errors");
    if (errors != null && !errors.isEmpty()) {
      out.append("\nErrors: ").append(errors).append("\n");
    }
    return out.toString();
  }
}
