package com.whatsappclone.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results as a Markdown report: readable on a terminal, and the "Latest results" section of
 * bench/README.md. Reads the result tree built by {@link BenchMain}; absent parts are left out.
 */
final class Report {

  private final Map<String, Object> results;
  private final StringBuilder out = new StringBuilder();

  private Report(Map<String, Object> results) {
    this.results = results;
  }

  static String markdown(Map<String, Object> results) {
    return new Report(results).render();
  }

  private String render() {
    line("Run of " + get("meta.date") + " on commit `" + shortCommit() + "`: " + get("meta.cores") + " cores, Java "
        + get("meta.javaVersion") + ", " + get("meta.target") + "; the whole run took " + duration(get("meta.totalSeconds"))
        + " (machine load average " + get("meta.loadAverageAtStart") + " at the start; the machine is shared).");
    line("");
    endToEnd();
    ramp();
    attribution();
    statements();
    oneToOne();
    overload();
    limits();
    capacity();
    auth();
    Object errors = get("meta.errors");
    if (errors instanceof List<?> list && !list.isEmpty()) {
      line("**Errors:**");
      for (Object error : list) {
        line("- " + error);
      }
      line("");
    }
    return out.toString();
  }

  private void endToEnd() {
    if (get("e2e.ramp.final") == null) {
      return;
    }
    String f = "e2e.ramp.final.";
    line("**End-to-end messaging** (" + num(get("e2e.users")) + " users, " + get("e2e.conversations.oneToOne")
        + " one-to-one conversations and " + get("e2e.conversations.groups") + " groups of "
        + get("e2e.conversations.groupMembers") + ", half the messages to each; one WebSocket device per user"
        + (Boolean.TRUE.equals(get("e2e.ack")) ? ", acknowledging every message" : "") + "; "
        + get("e2e.payloadBytes") + "-byte messages; open loop through the gateway)");
    line("");
    line("| figure | value |");
    line("|---|---|");
    Object best = get("e2e.ramp.highestPassingRate");
    Object sustained = get("e2e.ramp.sustainedRate");
    row("highest rate with p99 <= " + num(get("meta.options.p99TargetMillis")) + " ms and nothing lost",
        best == null ? "none of the steps passed" : "**" + num(best) + " messages/s sent**"
            + (sustained != null && !sustained.equals(best) ? "; " + num(sustained) + " held for the whole final run"
                : sustained == null ? "; the final run did not hold" : ""));
    row("final run", num(get(f + "seconds")) + " s at " + num(get(f + "offeredPerSecond")) + " msg/s: "
        + num(get(f + "messagesStoredPerSecond")) + " sent/s accepted, **" + num(get(f + "deliveredPerSecond"))
        + " deliveries/s** " + (Boolean.TRUE.equals(get(f + "passed")) ? "(passed)" : "(**did not pass**)"));
    row("send -> receive latency p50 / p95 / p99 / max", ms(get(f + "latency.p50Ms")) + " / " + ms(get(f + "latency.p95Ms"))
        + " / **" + ms(get(f + "latency.p99Ms")) + "** / " + ms(get(f + "latency.maxMs")));
    row("SendMessage answer p50 / p99", ms(get(f + "sendMessageLatency.p50Ms")) + " / " + ms(get(f + "sendMessageLatency.p99Ms")));
    row("lost / duplicated / misdelivered / failed sends", get(f + "lost") + " / " + get(f + "duplicates") + " / "
        + get(f + "misdelivered") + " / " + failures(get(f + "sendFailures"))
        + (get(f + "lostAtEnd") != null ? " (never delivered by the end of the run: " + get(f + "lostAtEnd") + ")" : ""));
    String first = "e2e.ramp.finalAtHighestPassingRate.";
    if (get(first + "offeredPerSecond") != null) {
      row("first final run, at the ramp's highest passing rate", num(get(first + "offeredPerSecond")) + " msg/s for "
          + num(get(first + "seconds")) + " s: p99 " + ms(get(first + "latency.p99Ms")) + ", lost " + get(first + "lost")
          + ", failed sends " + failures(get(first + "sendFailures")) + " (did not hold; the final run above is 80 % of it)");
    }
    row((embedded() ? "CPU: stack + load generator JVM" : "CPU: load generator JVM")
        + " (of it JIT) / PostgreSQL / whole machine", cores(get(f + "resources.jvmCpuCores"))
        + " (" + get(f + "resources.jitCpuCores") + ") / " + cores(get(f + "resources.postgresCpuCores")) + " / "
        + cores(get(f + "resources.machineBusyCores")));
    row("heap peak / GC time", get(f + "resources.heapPeakMiB") + " MiB / " + get(f + "resources.gcMillis") + " ms");
    if (get(f + "workPerMessage.postgresCommits") != null || get(f + "workPerMessage.kafkaRecords") != null) {
      row("work per message sent: PostgreSQL commits / WAL flushes / Kafka records (by topic)",
          dash(get(f + "workPerMessage.postgresCommits")) + " / " + dash(get(f + "workPerMessage.postgresWalFlushes"))
              + " / " + dash(get(f + "workPerMessage.kafkaRecords"))
              + (get(f + "workPerMessage.kafkaRecordsByTopic") == null ? "" : " " + get(f + "workPerMessage.kafkaRecordsByTopic")));
    }
    if (get("e2e.connectStorm.devices") != null) {
      row("all " + num(get("e2e.connectStorm.devices")) + " devices connecting at once",
          num(get("e2e.connectStorm.failedFirstAttempt")) + " first attempts got no answer within "
              + get("e2e.connectStorm.handshakeTimeoutSeconds") + " s (retried after 0.5 s); all open after "
              + (get("e2e.connectStorm.secondsUntilAllOpen") == null ? "- (not all opened)"
                  : get("e2e.connectStorm.secondsUntilAllOpen") + " s"));
    }
    if (get("fanout.createGroupFailed") != null) {
      row("one group message to " + num(get("fanout.groupMembers")) + " members", "not measured: creating the group failed ("
          + get("fanout.createGroupFailed") + ")");
    }
    if (get("fanout.toLastMember") != null) {
      row("one group message to " + get("fanout.recipients") + " connected members (" + get("fanout.messages")
          + " messages): first / last member p50, last max",
          ms(get("fanout.toFirstMember.p50Ms")) + " / " + ms(get("fanout.toLastMember.p50Ms")) + ", "
              + ms(get("fanout.toLastMember.maxMs")));
    }
    line("");
  }

  @SuppressWarnings("unchecked")
  private void ramp() {
    Object steps = get("e2e.ramp.steps");
    if (!(steps instanceof List<?> list) || list.isEmpty()) {
      return;
    }
    line("Ramp (" + num(get("meta.options.stepSeconds")) + " s steps, after " + num(get("e2e.ramp.warmUp.seconds"))
        + " s of warm-up at " + num(get("e2e.ramp.warmUp.rate")) + " msg/s until the JIT was mostly done):");
    line("");
    stepTable((List<Object>) list);
  }

  /** The steps of a ramp, one row each. */
  @SuppressWarnings("unchecked")
  private void stepTable(List<Object> list) {
    line("| offered msg/s | deliveries/s | p50 ms | p99 ms | max ms | lost | dup | failed sends | CPU cores: JVM (of it JIT) / PostgreSQL / machine | machine CPU µs per delivery | result |");
    line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Object item : list) {
      Map<String, Object> step = (Map<String, Object>) item;
      line("| " + num(step.get("offeredPerSecond")) + " | " + num(step.get("deliveredPerSecond")) + " | "
          + at(step, "latency.p50Ms") + " | " + at(step, "latency.p99Ms") + " | " + at(step, "latency.maxMs") + " | "
          + step.get("lost") + " | " + step.get("duplicates") + " | " + failures(step.get("sendFailures")) + " | "
          + dash(at(step, "resources.jvmCpuCores")) + " (" + dash(at(step, "resources.jitCpuCores")) + ") / "
          + dash(at(step, "resources.postgresCpuCores")) + " / " + dash(at(step, "resources.machineBusyCores")) + " | "
          + num(at(step, "cpuAttribution.machineCpuMicrosPerDelivery")) + " | "
          + (Boolean.TRUE.equals(step.get("passed")) ? "pass" : "fail")
          + (step.get("stoppedEarly") != null ? ", stopped " + step.get("stoppedEarly") : "") + " |");
    }
    line("");
  }

  /**
   * Where the CPU went: the final run by component (cores, µs per message sent and per delivery),
   * then µs per delivery by component for every ramp step.
   */
  @SuppressWarnings("unchecked")
  private void attribution() {
    String f = "e2e.ramp.final.cpuAttribution.";
    if (get(f + "cpuMicrosPerDelivery") == null) {
      return;
    }
    line("**Where the CPU goes** (final run; this JVM's threads by name, PostgreSQL from /proc; unattributed "
        + pct(get(f + "unattributedShare")) + "; the whole machine: " + num(get(f + "machineCpuMicrosPerDelivery"))
        + " µs per delivery):");
    line("");
    line("| component | cores | CPU µs per message sent | CPU µs per delivery |");
    line("|---|---:|---:|---:|");
    Map<String, Object> perDelivery = (Map<String, Object>) get(f + "cpuMicrosPerDelivery");
    for (String component : CpuComponents.ALL) {
      Object value = perDelivery.get(component);
      if (value instanceof Number n && (n.doubleValue() > 0 || component.equals(CpuComponents.UNATTRIBUTED))) {
        row3(CpuComponents.describe(component) + " | " + dash(get(f + "cpuCores." + component)),
            dash(get(f + "cpuMicrosPerMessage." + component)), String.valueOf(value));
      }
    }
    row3("**all of the above** | " + dash(get("e2e.ramp.final.resources.jvmCpuCores")) + " + "
        + dash(get("e2e.ramp.final.resources.postgresCpuCores")), dash(get(f + "cpuMicrosPerMessage.total")),
        "**" + dash(get(f + "cpuMicrosPerDelivery.total")) + "**");
    line("");
    Object steps = get("e2e.ramp.steps");
    if (!(steps instanceof List<?> list) || list.isEmpty()) {
      return;
    }
    StringBuilder header = new StringBuilder("| offered msg/s |");
    StringBuilder rule = new StringBuilder("|---:|");
    for (String component : CpuComponents.ALL) {
      header.append(' ').append(component).append(" |");
      rule.append("---:|");
    }
    line("CPU µs per delivery by component, each ramp step:");
    line("");
    line(header + " total | unattributed share |");
    line(rule + "---:|---:|");
    for (Object item : list) {
      Map<String, Object> step = (Map<String, Object>) item;
      StringBuilder row = new StringBuilder("| " + num(step.get("offeredPerSecond")) + " |");
      for (String component : CpuComponents.ALL) {
        row.append(' ').append(dash(at(step, "cpuAttribution.cpuMicrosPerDelivery." + component))).append(" |");
      }
      line(row + " " + dash(at(step, "cpuAttribution.cpuMicrosPerDelivery.total")) + " | "
          + pct(at(step, "cpuAttribution.unattributedShare")) + " |");
    }
    line("");
  }

  /** The final run's PostgreSQL statements by server time (pg_stat_statements), when it was read. */
  @SuppressWarnings("unchecked")
  private void statements() {
    String w = "e2e.ramp.final.workPerMessage.";
    if (!(get(w + "postgresStatements") instanceof List<?> list) || list.isEmpty()) {
      return;
    }
    line("**PostgreSQL statements** (final run, `pg_stat_statements`; time is the server's wall time per"
        + " statement, waits included, " + dash(get(w + "postgresExecMicros")) + " µs per message sent in all;"
        + " the " + list.size() + " costliest):");
    line("");
    line("| statement | calls per message sent | rows per call | µs per message sent | share |");
    line("|---|---:|---:|---:|---:|");
    for (Object item : list) {
      Map<String, Object> statement = (Map<String, Object>) item;
      line("| " + codeCell(statement.get("statement")) + " | "
          + statement.get("calls") + " | " + statement.get("rowsPerCall") + " | " + statement.get("execMicros")
          + " | " + pct(statement.get("share")) + " |");
    }
    line("");
  }

  /** A statement's text as code in a table cell: its pipes escaped, its backticks made quotes. */
  static String codeCell(Object statement) {
    return "`" + String.valueOf(statement).replace("|", "\\|").replace("`", "'") + "`";
  }

  private void overload() {
    String o = "e2e.overload.";
    if (get(o + "offeredPerSecond") == null) {
      return;
    }
    line("**Overload** (" + num(get(o + "seconds")) + " s at " + num(get(o + "offeredPerSecond"))
        + " msg/s, twice the highest passing rate, sent whatever happens; then a " + num(get(o + "probeRate"))
        + "-msg/s probe):");
    line("");
    line("| figure | value |");
    line("|---|---|");
    row("goodput: deliveries/s, accepted sends/s (share of the peak)", num(get(o + "deliveredPerSecond")) + " ("
        + pct(get(o + "deliveriesShareOfPeak")) + " of " + num(get(o + "peakDeliveredPerSecond")) + "), "
        + num(get(o + "sendsAcceptedPerSecond")) + " (" + pct(get(o + "sendsAcceptedShareOfPeak")) + " of "
        + num(get(o + "peakSendsAcceptedPerSecond")) + ")");
    row("refused sends by status", failures(get(o + "refusedByStatus")));
    row("refusal answer p50 / p99 (DEADLINE_EXCEEDED not included) / calls past their deadline",
        ms(get(o + "refusalAnswer.p50Ms")) + " / " + ms(get(o + "refusalAnswer.p99Ms")) + " / " + num(get(o + "pastDeadline")));
    row("live JVM threads before / peak during", num(get(o + "liveThreadsBefore")) + " / " + num(get(o + "liveThreadsPeak")));
    row("recovery: until the probe met p99 <= " + num(get("meta.options.p99TargetMillis")) + " ms again",
        get(o + "recoverySeconds") == null ? "**not within 30 s**" : "**" + get(o + "recoverySeconds") + " s**");
    line("");
  }

  private void oneToOne() {
    String d = "e2e.oneToOneRamp.";
    if (!(get(d + "steps") instanceof List<?> list) || list.isEmpty()) {
      return;
    }
    line("**One-to-one only** (every message to a one-to-one conversation, one delivery each): highest passing rate "
        + (get(d + "highestPassingRate") == null ? "none" : "**" + num(get(d + "highestPassingRate")) + " msg/s**, "
            + num(get(d + "deliveredPerSecondAtHighestPassingRate")) + " deliveries/s")
        + (Boolean.TRUE.equals(get(d + "stepLimitReached")) ? " (at least: every step passed, the ramp stops after "
            + ((List<?>) get(d + "steps")).size() + " steps)" : "") + ".");
    line("");
    stepTable(new java.util.ArrayList<>(list));
    line("");
  }

  private void limits() {
    if (get("machine.postgres") == null && get("machine.kafka") == null) {
      return;
    }
    line("**The machine's own limits** (same rows and payloads, same servers, scratch table and topic), and the"
        + " end-to-end rate (" + num(get("ratios.e2eMessagesPerSecond")) + " msg/s) as a share of each:");
    line("");
    line("| path | rate | end-to-end / rate |");
    line("|---|---:|---:|");
    String pg = "machine.postgres.";
    if (get(pg + "singleRowAutocommit1Connection") != null) {
      row3("PostgreSQL INSERT one row per autocommit, 1 connection",
          num(get(pg + "singleRowAutocommit1Connection.rowsPerSecond")) + " rows/s", pct(get("ratios.toPostgresSingleRow1")));
      row3("PostgreSQL INSERT one row per autocommit, 8 connections",
          num(get(pg + "singleRowAutocommit8Connections.rowsPerSecond")) + " rows/s", pct(get("ratios.toPostgresSingleRow8")));
      row3("PostgreSQL multi-row INSERT, 500 rows per transaction (the worker's statement)",
          num(get(pg + "batched500RowsPerTransaction.rowsPerSecond")) + " rows/s", pct(get("ratios.toPostgresBatched")));
    }
    if (get("machine.kafka.produceAndConsumePerSecond") != null) {
      row3("Kafka produce (acks=all) + consume, " + get("machine.kafka.meanRecordBytes") + "-byte records",
          num(get("machine.kafka.produceAndConsumePerSecond")) + " records/s", pct(get("ratios.toKafka")));
    }
    line("");
  }

  private void capacity() {
    if (get("capacity.attempted") == null) {
      return;
    }
    String c = "capacity.";
    line("**Connection capacity** (" + (get(c + "server") == null ? "one realtime instance" : get(c + "server"))
        + "; idle authenticated WebSocket connections from a separate client process over "
        + num(get("meta.options.sourceAddresses")) + " source addresses):");
    line("");
    line("| figure | value |");
    line("|---|---|");
    row("connections held (target " + num(get(c + "target")) + ")", "**" + num(get(c + "reached")) + "**"
        + (get(c + "serverSideRegistered") != null ? " (server registered " + num(get(c + "serverSideRegistered")) + ")" : "")
        + "; stopped: " + get(c + "stoppedBecause")
        + (get(c + "reopenedAfterTryAgainLater") instanceof Number n && n.intValue() > 0
            ? "; " + num(n) + " reopened after the server closed them with 1013 or refused the handshake with 503 (too busy to start them)" : ""));
    if (get(c + "heldShareOfDescriptorLimit") != null) {
      row("held / the realtime process's descriptor limit", num(get(c + "reached")) + " / " + num(get(c + "ulimitN"))
          + " = **" + pct(get(c + "heldShareOfDescriptorLimit")) + "** (" + num(get(c + "descriptorsInUseBefore"))
          + " descriptors open before, " + num(get(c + "descriptorsInUseHeld")) + " with them)");
    }
    if (get(c + "cappedBecause") != null) {
      row("why not the target", String.valueOf(get(c + "cappedBecause")));
    }
    if (get(c + "clientCappedBecause") != null) {
      row("client limit", String.valueOf(get(c + "clientCappedBecause")));
    }
    if (get(c + "rssPerConnectionKiB") != null) {
      row("resident memory per connection (VmRSS of the realtime process)", "**" + get(c + "rssPerConnectionKiB")
          + " KiB** (" + get(c + "rssBeforeMiB") + " MiB before, " + get(c + "rssHeldMiB") + " MiB with all"
          + (get(c + "rssPerConnectionAtHalfKiB") == null ? "" : "; " + get(c + "rssPerConnectionAtHalfKiB")
              + " KiB each at " + num(get(c + "rssAtHalfConnections")) + " connections, " + get(c + "rssAtHalfMiB") + " MiB")
          + ")");
    }
    row("connect rate", num(get(c + "connectsPerSecond")) + " connections/s (client paced at <= 1500/s)");
    if (get(c + "heapPerConnectionKiB") != null) {
      row("heap per connection (server side)", get(c + "heapPerConnectionKiB") + " KiB (live heap after a full GC: "
          + get(c + "heapBeforeMiB") + " MiB before, " + get(c + "heapHeldMiB") + " MiB with all, "
          + get(c + "heapAtHalfMiB") + " MiB with half of them)");
    }
    if (embedded()) {
      row("CPU while holding them idle: realtime process / stack JVM / PostgreSQL",
          cores(get(c + "idleResources.realtimeProcessCpuCores")) + " / " + cores(get(c + "idleResources.jvmCpuCores"))
              + " / " + cores(get(c + "idleResources.postgresCpuCores")));
    }
    if (get(c + "fanoutWhileHeld.toLastMember") != null) {
      row("group message to " + get(c + "fanoutWhileHeld.recipients") + " members (on the stack's realtime) while they"
              + " are held: last member p50 / max",
          ms(get(c + "fanoutWhileHeld.toLastMember.p50Ms")) + " / " + ms(get(c + "fanoutWhileHeld.toLastMember.maxMs")));
    }
    line("");
  }

  private void auth() {
    if (get("auth.verifyOtp") == null && get("jmh") == null) {
      return;
    }
    line("**Auth** (through the gateway, " + AuthBench.CONCURRENCY + " calls in flight):");
    line("");
    line("| call | rate | latency p50 / p99 |");
    line("|---|---:|---:|");
    if (get("auth.verifyOtp") != null) {
      row3("VerifyOTP (dev mode; signs up " + num(get("auth.verifyOtp.calls")) + " new users)",
          num(get("auth.verifyOtp.callsPerSecond")) + "/s", ms(get("auth.verifyOtp.latency.p50Ms")) + " / "
              + ms(get("auth.verifyOtp.latency.p99Ms")));
      row3("RefreshToken (rotation)", num(get("auth.refreshToken.callsPerSecond")) + "/s",
          ms(get("auth.refreshToken.latency.p50Ms")) + " / " + ms(get("auth.refreshToken.latency.p99Ms")));
    }
    if (get("jmh.microsPerValidation") != null) {
      row3("one access-token validation, JMH (`TokenManager.validateAccessToken`)",
          num(get("jmh.validationsPerSecondPerCore")) + "/s per core", get("jmh.microsPerValidation") + " µs each");
    }
    line("");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Object get(String path) {
    return at(results, path);
  }

  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> root, String path) {
    Object node = root;
    for (String key : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = ((Map<String, Object>) map).get(key);
    }
    return node;
  }

  private boolean embedded() {
    return String.valueOf(get("meta.target")).startsWith("embedded");
  }

  private static String dash(Object value) {
    return value == null ? "-" : String.valueOf(value);
  }

  private String shortCommit() {
    String commit = String.valueOf(get("meta.commit"));
    return commit.length() > 12 && !commit.startsWith("unknown")
        ? commit.substring(0, 12) + (commit.endsWith("-dirty") ? "-dirty" : "") : commit;
  }

  private void row(String figure, String value) {
    line("| " + figure + " | " + value + " |");
  }

  private void row3(String a, String b, String c) {
    line("| " + a + " | " + b + " | " + c + " |");
  }

  private void line(String text) {
    out.append(text).append(System.lineSeparator());
  }

  static String num(Object value) {
    if (!(value instanceof Number number)) {
      return value == null ? "-" : String.valueOf(value);
    }
    double d = number.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    return String.format(Locale.ROOT, "%,.1f", d);
  }

  private static String ms(Object value) {
    return value == null ? "-" : value + " ms";
  }

  private static String cores(Object value) {
    return value == null ? "-" : value + " cores";
  }

  private static String pct(Object ratio) {
    return ratio instanceof Number n ? String.format(Locale.ROOT, "%.1f %%", n.doubleValue() * 100) : "-";
  }

  private static String failures(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return "0";
      }
      StringBuilder text = new StringBuilder();
      map.forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
      return text.toString();
    }
    return String.valueOf(value);
  }

  private static String duration(Object seconds) {
    if (!(seconds instanceof Number n)) {
      return "?";
    }
    long s = Math.round(n.doubleValue());
    return s / 60 + " min " + s % 60 + " s";
  }
}
