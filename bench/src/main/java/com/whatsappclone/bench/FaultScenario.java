package com.whatsappclone.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario of the fault suite: a fresh load (new users and conversations), a steady phase, the
 * fault, a recovery phase, then a drain (no new messages; the unacknowledged ones tried until
 * acknowledged, and everything stored given time to reach its recipient and its receipt its
 * sender); then the figures, measured against the database and against what the devices saw.
 */
final class FaultScenario {

  private static final Logger log = LoggerFactory.getLogger(FaultScenario.class);
  static final List<String> NAMES = List.of("worker-kill", "realtime-kill", "chat-kill", "gateway-kill",
      "postgres-stall", "kafka-stop", "stack-kill");
  static final int USERS = 20;
  /** A killed worker or realtime instance is started again this long after the kill. */
  private static final Duration RESTART_AFTER = Duration.ofSeconds(15);
  private static final Duration STALL = Duration.ofSeconds(10);
  /** "At the steady rate again": a 2 s window storing (and delivering) at least this share of the rate. */
  private static final double RECOVERED_SHARE = 0.85;
  private static final double MAX_SECONDS_WITHOUT_STORING = 10;

  private final String name;
  private final FaultStack stack;
  private final FaultOptions options;
  private final Map<String, Object> notes = new LinkedHashMap<>();
  private final Map<String, Integer> peakThreads = new ConcurrentHashMap<>();
  private Thread delayedRestart;
  private long faultStart;
  private long faultEnd;

  FaultScenario(String name, FaultStack stack, FaultOptions options) {
    this.name = name;
    this.stack = stack;
    this.options = options;
  }

  Map<String, Object> run() throws Exception {
    stack.restartDead();
    FaultLoad load = new FaultLoad(stack, USERS, options.rate());
    FaultDatabase database = null;
    Thread sampler = null;
    try {
      load.prepare();
      database = new FaultDatabase(stack.jdbcUrl(), load.conversationIds());
      database.start();
      AtomicReference<Boolean> sampling = new AtomicReference<>(true);
      sampler = new Thread(() -> sampleThreads(sampling), "faults-thread-sampler");
      sampler.setDaemon(true);
      sampler.start();
      long sendStart = System.nanoTime();
      load.startSending();
      log.info("{}: steady phase {} s at {} msg/s", name, options.steady().toSeconds(), options.rate());
      Thread.sleep(options.steady().toMillis());
      faultStart = System.nanoTime();
      inject();
      faultEnd = Math.max(faultEnd, faultStart);
      log.info("{}: fault over after {} s; recovery phase {} s", name, seconds(faultEnd - faultStart),
          options.recover().toSeconds());
      sleepUntil(faultEnd + options.recover().toNanos());
      if (delayedRestart != null) {
        delayedRestart.join();
      }
      load.stopSending();
      long sendStop = System.nanoTime();
      FaultDatabase.Snapshot end = drain(load, database);
      long drainEnd = System.nanoTime();
      sampling.set(false);
      sampler.join(2000);
      return figures(load, database, end, sendStart, sendStop, drainEnd);
    } finally {
      if (sampler != null) {
        sampler.interrupt();
      }
      load.close();
      if (database != null) {
        database.close();
      }
    }
  }

  // ---- the faults ----------------------------------------------------------------------------

  private void inject() throws Exception {
    switch (name) {
      case "worker-kill" -> killAndRestartLater(stack.workers[1]);
      case "realtime-kill" -> killAndRestartLater(stack.realtime[1]);
      case "chat-kill" -> killAndRestart(stack.chat);
      case "gateway-kill" -> killAndRestart(stack.gateway);
      case "postgres-stall" -> stallPostgres();
      case "kafka-stop" -> stopKafka();
      case "stack-kill" -> killStack();
      default -> throw new IllegalArgumentException(name);
    }
  }

  private void killAndRestartLater(FaultChild child) throws InterruptedException {
    log.info("{}: kill -9 {} (pid {}); started again in {} s", name, child.name, child.pid(), RESTART_AFTER.toSeconds());
    child.kill();
    faultEnd = System.nanoTime();
    notes.put("killed", child.name);
    delayedRestart = new Thread(() -> {
      try {
        Thread.sleep(RESTART_AFTER.toMillis());
        long start = System.nanoTime();
        child.start();
        notes.put("restartedSecondsAfterKill", seconds(System.nanoTime() - faultStart));
        notes.put("restartTookSeconds", seconds(System.nanoTime() - start));
      } catch (Exception e) {
        notes.put("restartFailed", e.getMessage());
        log.error("{}: restarting {} failed", name, child.name, e);
      }
    }, "faults-restart");
    delayedRestart.start();
  }

  private void killAndRestart(FaultChild child) throws Exception {
    log.info("{}: kill -9 {} (pid {}) and start it again at once", name, child.name, child.pid());
    child.kill();
    child.start();
    faultEnd = System.nanoTime();
    notes.put("killed", child.name);
    notes.put("downSeconds", seconds(faultEnd - faultStart));
  }

  private void stallPostgres() throws Exception {
    List<Long> pids = stack.postgresPids();
    log.info("{}: SIGSTOP PostgreSQL ({} processes) for {} s", name, pids.size(), STALL.toSeconds());
    notes.put("stoppedProcesses", pids.size());
    FaultStack.signal("STOP", pids);
    Thread.sleep(STALL.toMillis());
    // processes started meanwhile (none should: the postmaster is stopped) are resumed too
    List<Long> now = new ArrayList<>(stack.postgresPids());
    now.addAll(pids);
    FaultStack.signal("CONT", now.stream().distinct().toList());
    faultEnd = System.nanoTime();
  }

  private void stopKafka() throws Exception {
    log.info("{}: stop the Kafka broker (SIGTERM) for {} s", name, STALL.toSeconds());
    stack.kafka.stop(Duration.ofSeconds(10));
    notes.put("brokerStopTookSeconds", seconds(System.nanoTime() - faultStart));
    sleepUntil(faultStart + STALL.toNanos());
    stack.kafka.start();
    faultEnd = System.nanoTime();
    notes.put("brokerDownSeconds", seconds(faultEnd - faultStart));
  }

  private void killStack() throws Exception {
    log.info("{}: kill -9 every process of the stack (the PostgreSQL host JVM, not its server)", name);
    for (FaultChild child : stack.services()) {
      child.kill();
    }
    stack.kafka.kill();
    stack.postgres.kill();
    Thread.sleep(500);
    boolean orphan = stack.postmasterPid().isPresent();
    notes.put("postgresOrphaned", orphan);
    // The local stack's start-up meets the orphan the same way: its data folder is in use.
    long restart = System.nanoTime();
    stack.postgres.launch();
    stack.kafka.launch();
    stack.postgres.awaitReady();
    stack.kafka.awaitReady();
    stack.startServices();
    faultEnd = System.nanoTime();
    notes.put("restartTookSeconds", seconds(faultEnd - restart));
    Thread.sleep(1000);
    String host = stack.postgres.isAlive() ? "running"
        : "ended (" + stack.postgres.logTail().replaceAll("\\s+", " ") + ")";
    notes.put("newPostgresHost", host);
    notes.put("postgresServing", stack.postmasterPid().isPresent() ? "pid " + stack.postmasterPid().getAsLong()
        + (orphan ? " (the orphan: start-up found its port in use and the services used it)" : "") : "none");
    log.info("{}: orphaned PostgreSQL: {}, new host: {}", name, orphan, host);
  }

  // ---- measuring -----------------------------------------------------------------------------

  private void sampleThreads(AtomicReference<Boolean> sampling) {
    while (sampling.get()) {
      for (FaultChild child : stack.all()) {
        int threads = child.threads();
        if (threads > 0) {
          peakThreads.merge(child.name, threads, Math::max);
        }
      }
      int processes = stack.postgresPids().size();
      if (processes > 0) {
        peakThreads.merge("postgres server (processes)", processes, Math::max);
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Until every send is acknowledged, everything stored delivered and every receipt seen, or the limit. */
  private FaultDatabase.Snapshot drain(FaultLoad load, FaultDatabase database) throws InterruptedException {
    long deadline = System.nanoTime() + options.drain().toNanos();
    FaultDatabase.Snapshot last = null;
    while (true) {
      try {
        last = database.snapshot();
        FaultDatabase.Snapshot now = last;
        boolean done = load.pendingSends.get() == 0
            && acknowledged(load).allMatch(m -> now.rowsPerClientId().containsKey(m.clientMessageId))
            && load.delivered.keySet().containsAll(last.storedIds())
            && load.receiptsSeen.containsAll(last.deliveredInDb())
            && load.receiptsSeen.containsAll(load.delivered.keySet())
            && last.undeliveredInDb() == 0;
        if (done || System.nanoTime() > deadline) {
          return last;
        }
      } catch (java.sql.SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the database did not answer at the end: " + e.getMessage(), e);
        }
      }
      Thread.sleep(1000);
    }
  }

  private static java.util.stream.Stream<FaultLoad.Outgoing> acknowledged(FaultLoad load) {
    synchronized (load.outgoing) {
      return List.copyOf(load.outgoing).stream().filter(m -> m.messageId != null);
    }
  }

  private static long firstAfter(long[] sorted, long from) {
    for (long t : sorted) {
      if (t >= from) {
        return t;
      }
    }
    return from;
  }

  /** Events per second from {@code origin} to {@code end}. */
  private static List<Long> perSecond(long[] sorted, long origin, long end) {
    List<Long> out = new ArrayList<>();
    for (long t = origin; t < end; t += 1_000_000_000L) {
      out.add(countBefore(sorted, t + 1_000_000_000L) - countBefore(sorted, t));
    }
    return out;
  }

  private Map<String, Object> figures(FaultLoad load, FaultDatabase database, FaultDatabase.Snapshot end,
      long sendStart, long sendStop, long drainEnd) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", name);
    out.put("rate", options.rate());
    List<FaultLoad.Outgoing> messages;
    synchronized (load.outgoing) {
      messages = List.copyOf(load.outgoing);
    }
    long acknowledged = messages.stream().filter(m -> m.messageId != null).count();
    long ackedNotStored = messages.stream()
        .filter(m -> m.messageId != null && !end.rowsPerClientId().containsKey(m.clientMessageId)).count();
    long storedNotDelivered = end.storedIds().stream().filter(id -> !load.delivered.containsKey(id)).count();
    long duplicated = end.rowsPerClientId().values().stream().mapToLong(n -> n - 1).sum();
    // A message its recipient's device got (and acked) whose sender never heard "delivered": the
    // receipt was lost on the way, or the ack was refused and the database never marked it.
    long receiptsMissing = load.delivered.keySet().stream().filter(id -> !load.receiptsSeen.contains(id)).count();
    long markedWithoutReceipt = end.deliveredInDb().stream().filter(id -> !load.receiptsSeen.contains(id)).count();
    out.put("messages", messages.size());
    out.put("sentAttempts", load.attempts.size());
    out.put("acknowledged", acknowledged);
    out.put("neverAcknowledged", messages.size() - acknowledged);
    out.put("stored", end.storedIds().size());
    out.put("delivered", load.delivered.size());
    out.put("lost", ackedNotStored + storedNotDelivered);
    out.put("lostAcknowledgedNotStored", ackedNotStored);
    out.put("lostStoredNotDelivered", storedNotDelivered);
    out.put("duplicated", duplicated);
    out.put("redelivered", load.redelivered.sum());
    out.put("receiptsMissing", receiptsMissing);
    out.put("deliveredInDatabaseWithoutReceipt", markedWithoutReceipt);
    out.put("undeliveredInDatabase", end.undeliveredInDb());
    out.put("statusCodes", counts(load.codes));

    long[][] stored = database.samples.toArray(new long[0][]);
    long[] deliveredAt = load.delivered.values().stream().mapToLong(Long::longValue).sorted().toArray();
    long[] storedAt = increases(stored);
    // from the first message stored (delivered): the load's first seconds, and the poller's first
    // connection on a busy machine, are no gap
    Gap storing = longestGap(storedAt, firstAfter(storedAt, sendStart), sendStop);
    Gap delivering = longestGap(deliveredAt, firstAfter(deliveredAt, sendStart), sendStop);
    Gap storingAfter = longestGap(storedAt, faultEnd, sendStop);
    Gap deliveringAfter = longestGap(deliveredAt, faultEnd, sendStop);
    // Per conversation: a dead worker's partitions stop some conversations while the others go on,
    // which the total hides. Each conversation gets rate/10 messages a second.
    int conversations = load.conversationIds().length;
    long[][] perConversation = database.perConversation.toArray(new long[0][]);
    double worstStoring = 0;
    double worstStoringAfter = 0;
    double worstDelivering = 0;
    double worstDeliveringAfter = 0;
    int stalledOverLimit = 0;
    for (int c = 0; c < conversations; c++) {
      long[][] series = new long[perConversation.length][];
      for (int i = 0; i < perConversation.length; i++) {
        series[i] = new long[] {perConversation[i][0], perConversation[i][1 + c]};
      }
      long[] storedC = increases(series);
      int conversation = c;
      long[] deliveredC = load.delivered.entrySet().stream()
          .filter(e -> load.deliveredConversation.getOrDefault(e.getKey(), -1) == conversation)
          .mapToLong(Map.Entry::getValue).sorted().toArray();
      worstStoring = Math.max(worstStoring, longestGap(storedC, firstAfter(storedC, sendStart), sendStop).seconds());
      double after = longestGap(storedC, faultEnd, sendStop).seconds();
      worstStoringAfter = Math.max(worstStoringAfter, after);
      if (after > MAX_SECONDS_WITHOUT_STORING) {
        stalledOverLimit++;
      }
      worstDelivering = Math.max(worstDelivering,
          longestGap(deliveredC, firstAfter(deliveredC, sendStart), sendStop).seconds());
      worstDeliveringAfter = Math.max(worstDeliveringAfter, longestGap(deliveredC, faultEnd, sendStop).seconds());
    }
    out.put("longestWithoutStoringSeconds", worstStoring);
    out.put("withoutStoringAfterFaultEndSeconds", worstStoringAfter);
    out.put("conversationsWithoutStoringOver10sAfterFaultEnd", stalledOverLimit + " of " + conversations);
    out.put("longestWithoutDeliveringSeconds", worstDelivering);
    out.put("withoutDeliveringAfterFaultEndSeconds", worstDeliveringAfter);
    out.put("longestWithoutStoringAnySeconds", storing.seconds());
    out.put("longestWithoutStoringAnyStartsAtSeconds", storing.startSecondsFrom(faultStart));
    out.put("longestWithoutDeliveringAnySeconds", delivering.seconds());
    out.put("withoutStoringAnyAfterFaultEndSeconds", storingAfter.seconds());
    out.put("withoutDeliveringAnyAfterFaultEndSeconds", deliveringAfter.seconds());
    Double storedRecovery = recovery(t -> countAt(stored, t), sendStop);
    Double deliveredRecovery = recovery(t -> countBefore(deliveredAt, t), sendStop);
    out.put("storingRecoveredSeconds", storedRecovery);
    out.put("deliveringRecoveredSeconds", deliveredRecovery);
    out.put("recoverSeconds", storedRecovery == null || deliveredRecovery == null ? null
        : Math.max(storedRecovery, deliveredRecovery));
    out.put("faultSeconds", seconds(faultEnd - faultStart));
    Map<String, Object> timeline = new LinkedHashMap<>();
    timeline.put("faultStartsAtSecond", seconds(faultStart - sendStart));
    timeline.put("faultEndsAtSecond", seconds(faultEnd - sendStart));
    timeline.put("sendingStopsAtSecond", seconds(sendStop - sendStart));
    long[] storedSampleTimes = new long[stored.length];
    long[] storedPerSample = new long[stored.length];
    for (int i = 0; i < stored.length; i++) {
      storedSampleTimes[i] = stored[i][0];
      storedPerSample[i] = stored[i][1];
    }
    List<Long> storedTotals = new ArrayList<>();
    for (long t = sendStart; t < drainEnd; t += 1_000_000_000L) {
      storedTotals.add(countAt(stored, t + 1_000_000_000L));
    }
    timeline.put("storedTotalAtEachSecond", storedTotals);
    timeline.put("deliveredPerSecond", perSecond(deliveredAt, sendStart, drainEnd));
    out.put("timeline", timeline);
    out.put("callsDuringFault", callsDuring(load));
    out.put("peakThreads", new TreeMap<>(peakThreads));
    out.put("devicesPerInstanceAtEnd", Arrays.toString(load.devicesPerInstance()));
    out.put("webSocketCloses", counts(load.closes));
    out.put("serverErrorFrames", counts(load.serverErrors));
    out.put("storedPollErrors", database.pollErrors.get());
    out.put("drainSeconds", seconds(drainEnd - sendStop));
    out.put("notes", notes);
    out.put("verdict", verdict(out));
    return out;
  }

  /** The SendMessage tries started while the fault lasted (for a stall: answered how, how fast). */
  private Map<String, Object> callsDuring(FaultLoad load) {
    Map<String, Long> codes = new TreeMap<>();
    long slowest = 0;
    long atDeadline = 0;
    for (FaultLoad.Attempt a : load.attempts) {
      if (a.startNanos() >= faultStart && a.startNanos() <= faultEnd) {
        codes.merge(a.code(), 1L, Long::sum);
        long millis = (a.endNanos() - a.startNanos()) / 1_000_000;
        slowest = Math.max(slowest, millis);
        if (millis >= FaultLoad.TRY_DEADLINE.toMillis() - 100) {
          atDeadline++;
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("codes", codes);
    out.put("slowestMillis", slowest);
    out.put("ranToTheDeadline", atDeadline);
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> verdict(Map<String, Object> figures) {
    List<String> failed = new ArrayList<>();
    if (((Number) figures.get("lost")).longValue() > 0) {
      failed.add("lost " + figures.get("lost"));
    }
    if (((Number) figures.get("duplicated")).longValue() > 0) {
      failed.add("duplicated " + figures.get("duplicated"));
    }
    if (((Number) figures.get("receiptsMissing")).longValue() > 0) {
      failed.add("receipts missing " + figures.get("receiptsMissing"));
    }
    if (((Number) figures.get("neverAcknowledged")).longValue() > 0) {
      failed.add("never acknowledged " + figures.get("neverAcknowledged"));
    }
    double gap = ((Number) figures.get("withoutStoringAfterFaultEndSeconds")).doubleValue();
    if (gap > MAX_SECONDS_WITHOUT_STORING) {
      failed.add(gap + " s without storing in a conversation after the fault ("
          + figures.get("conversationsWithoutStoringOver10sAfterFaultEnd") + " conversations over 10 s)");
    }
    if (name.equals("postgres-stall")) {
      Map<String, Object> calls = (Map<String, Object>) figures.get("callsDuringFault");
      Map<String, Long> codes = (Map<String, Long>) calls.get("codes");
      long other = codes.entrySet().stream().filter(e -> !e.getKey().equals("UNAVAILABLE") && !e.getKey().equals("OK"))
          .mapToLong(Map.Entry::getValue).sum();
      if (other > 0 || ((Number) calls.get("slowestMillis")).longValue() >= FaultLoad.TRY_DEADLINE.toMillis()) {
        failed.add("calls during the stall not answered UNAVAILABLE within the deadline " + codes);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pass", failed.isEmpty());
    out.put("failed", failed);
    return out;
  }

  // ---- timelines -----------------------------------------------------------------------------

  record Gap(double seconds, long startNanos) {
    Double startSecondsFrom(long origin) {
      return startNanos == 0 ? null : ResourceMonitor.round2((startNanos - origin) / 1e9);
    }
  }

  /** The sample times at which the stored count had grown since the previous sample. */
  private static long[] increases(long[][] samples) {
    List<Long> out = new ArrayList<>();
    long previous = -1;
    for (long[] s : samples) {
      if (previous >= 0 && s[1] > previous) {
        out.add(s[0]);
      }
      previous = Math.max(previous, s[1]);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** The longest stretch of [from, to] without an event (events sorted), the one from {@code from} included. */
  private static Gap longestGap(long[] sorted, long from, long to) {
    long previous = from;
    long longest = 0;
    long longestStart = from;
    for (long t : sorted) {
      if (t <= from) {
        continue;
      }
      if (t > to) {
        break;
      }
      if (t - previous > longest) {
        longest = t - previous;
        longestStart = previous;
      }
      previous = t;
    }
    if (to - previous > longest) {
      longest = to - previous;
      longestStart = previous;
    }
    return new Gap(ResourceMonitor.round2(longest / 1e9), longestStart);
  }

  private interface Counter {
    long at(long nanos);
  }

  /** Seconds from the fault's end until a 2 s window before sending stopped ran at the steady rate again. */
  private Double recovery(Counter count, long sendStop) {
    long window = 2_000_000_000L;
    double needed = RECOVERED_SHARE * options.rate() * 2;
    for (long t = faultEnd; t + window <= sendStop; t += 250_000_000L) {
      if (count.at(t + window) - count.at(t) >= needed) {
        return ResourceMonitor.round2((t - faultEnd) / 1e9);
      }
    }
    return null;
  }

  private static long countAt(long[][] samples, long nanos) {
    long count = 0;
    for (long[] s : samples) {
      if (s[0] > nanos) {
        break;
      }
      count = s[1];
    }
    return count;
  }

  private static long countBefore(long[] sorted, long nanos) {
    int index = Arrays.binarySearch(sorted, nanos);
    return index >= 0 ? index + 1 : -index - 1;
  }

  private static Map<String, Long> counts(Map<String, java.util.concurrent.atomic.LongAdder> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static double seconds(long nanos) {
    return ResourceMonitor.round2(nanos / 1e9);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }
  }
}
