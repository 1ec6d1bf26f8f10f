package com.whatsappclone.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import com.whatsappclone.proto.realtime.NewMessage;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end messaging load: senders call SendMessage through the gateway on a fixed timeline
 * (open loop), every recipient's WebSocket device reports each arrival, and each step tells the
 * delivered rate, the send-to-receive latency, and what was lost or duplicated. The ramp doubles
 * the rate until a step fails, narrows the gap by bisection, and runs the best rate once more for
 * the full duration: the headline figures and the charts.
 */
final class MessagingLoad implements Devices.Sink {

  private static final Logger log = LoggerFactory.getLogger(MessagingLoad.class);
  private static final int MAX_STEPS = 64;
  private static final int MAX_IN_FLIGHT = 30_000;
  private static final Duration SEND_DEADLINE = Duration.ofSeconds(10);
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(15);
  private static final Duration PAUSE_BETWEEN_STEPS = Duration.ofSeconds(2);
  /** After a failed step, the stack is let to catch up until it uses less CPU than this. */
  private static final double QUIET_CORES = 0.5;
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);
  private static final double WARM_JIT_CORES = 0.15;
  private static final int MAX_WARM_UP_STEPS = 8;
  private static final int BACKLOG_SECONDS = 3;
  private static final int HOPELESS_FACTOR = 4;
  private static final int ONE_TO_ONE_STEPS = 4;
  private static final Duration OVERLOAD = Duration.ofSeconds(30);
  private static final double PROBE_RATE = 100;
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
  private static final int RECOVERY_WINDOWS = 3;

  /** Receives the arrivals of the group fan-out probe's messages. */
  interface ProbeSink {
    void onProbe(int probe, int userIndex, long arrivedNanos);
  }

  private final List<BenchUser> users;
  private final Conversations conversations;
  private final BenchOptions options;
  private final ResourceMonitor monitor;
  private final WorkCounters counters;
  private final ChatServiceGrpc.ChatServiceFutureStub[] senders;
  private final String runTag = Long.toString(ThreadLocalRandom.current().nextLong() >>> 20, 36);
  private final String padding;
  private final AtomicReferenceArray<LoadStep> steps = new AtomicReferenceArray<>(MAX_STEPS);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Map<String, Object>> reported = new ArrayList<>();
  private volatile ProbeSink probeSink;
  private int nextStep;
  /** The mixed ramp's highest passing step, and the best passing run (the final one if it held). */
  private Map<String, Object> highestPassing;
  private Map<String, Object> peak;

  MessagingLoad(Gateway gateway, List<BenchUser> users, Conversations conversations, BenchOptions options,
      ResourceMonitor monitor, WorkCounters counters) {
    this.users = users;
    this.counters = counters;
    this.conversations = conversations;
    this.options = options;
    this.monitor = monitor;
    this.senders = new ChatServiceGrpc.ChatServiceFutureStub[users.size()];
    for (int i = 0; i < users.size(); i++) {
      senders[i] = Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()), users.get(i).accessToken);
    }
    int prefix = ("b|" + runTag + "|00|0000000|").length();
    this.padding = "x".repeat(Math.max(0, options.payloadBytes() - prefix));
  }

  String runTag() {
    return runTag;
  }

  void probeSink(ProbeSink sink) {
    this.probeSink = sink;
  }

  // ---- arrivals (WebSocket loop threads) -----------------------------------------------------

  @Override
  public void onNewMessage(int userIndex, NewMessage message, long arrivedNanos) {
    String content = message.getContent();
    // "b|<run>|<step>|<k>|..." for the load, "f|<run>|<probe>|" for the fan-out probe
    if (content.length() < 4 || content.charAt(1) != '|') {
      return;
    }
    int runEnd = content.indexOf('|', 2);
    if (runEnd < 0 || !content.regionMatches(2, runTag, 0, runTag.length()) || runEnd != 2 + runTag.length()) {
      return;
    }
    int firstEnd = content.indexOf('|', runEnd + 1);
    if (firstEnd < 0) {
      return;
    }
    int first = parse(content, runEnd + 1, firstEnd);
    if (content.charAt(0) == 'f') {
      ProbeSink sink = probeSink;
      if (sink != null) {
        sink.onProbe(first, userIndex, arrivedNanos);
      }
      return;
    }
    int secondEnd = content.indexOf('|', firstEnd + 1);
    if (secondEnd < 0 || first < 0 || first >= MAX_STEPS) {
      return;
    }
    LoadStep step = steps.get(first);
    if (step != null) {
      step.delivered(parse(content, firstEnd + 1, secondEnd), userIndex, arrivedNanos);
    }
  }

  private static int parse(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  // ---- the ramp ------------------------------------------------------------------------------

  /** Warm-up, ramp, bisection and the final run; every step in order, the final one last. */
  Map<String, Object> ramp() throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("warmUp", warmUp());

    Map<String, Object> best = null;
    List<Map<String, Object>> ramp = new ArrayList<>();
    if (options.fixedRate() > 0) {
      out.put("mode", "fixed rate " + options.fixedRate() + " msg/s");
    } else {
      Search search = search(options.startRate(), options.refineSteps(), false, MAX_STEPS - 8);
      ramp = search.steps();
      best = search.best();
      out.put("mode", "ramp: double from " + options.startRate() + " msg/s until a step fails, then "
          + options.refineSteps() + " bisection step(s); a step passes with p99 <= " + (int) options.p99TargetMillis()
          + " ms, nothing lost, duplicated or refused");
    }
    out.put("steps", ramp);
    double finalRate = options.fixedRate() > 0 ? options.fixedRate()
        : best != null ? rateOf(best) : Math.max(5, options.startRate() / 4.0);
    out.put("highestPassingRate", best == null ? null : best.get("offeredPerSecond"));
    log.info("final run: {} msg/s for {} s", (int) finalRate, options.duration().toSeconds());
    Map<String, Object> finalRun = finalRun(finalRate);
    if (!passed(finalRun) && options.fixedRate() == 0 && best != null) {
      // The ramp's best step was short; on a shared machine it can pass by luck. One more try, lower.
      double lower = Math.max(5, Math.round(finalRate * 0.8 / 10.0) * 10.0);
      log.info("the final run did not pass at {} msg/s; once more at {} msg/s", (int) finalRate, (int) lower);
      out.put("finalAtHighestPassingRate", finalRun);
      finalRun = finalRun(lower);
    }
    out.put("final", finalRun);
    // The rate that held for the whole final run: what the ratios to the machine's limits use.
    out.put("sustainedRate", passed(finalRun) ? finalRun.get("offeredPerSecond") : null);
    highestPassing = best;
    peak = passed(finalRun) ? finalRun : best;
    recountAtEnd();
    return out;
  }

  /** Steps of a doubling search, the best passing one, and the rate that failed (0: none did). */
  private record Search(List<Map<String, Object>> steps, Map<String, Object> best, double failedAt) {}

  /**
   * Doubles the rate from {@code start} while steps pass (at most {@code maxSteps} in all), halves
   * it when even the first fails, then bisects {@code refine} times between the best passing and
   * the first failing rate.
   */
  private Search search(double start, int refine, boolean directOnly, int maxSteps) throws InterruptedException {
    List<Map<String, Object>> ramp = new ArrayList<>();
    Map<String, Object> best = null;
    double failedAt = 0;
    int limit = nextStep + maxSteps;
    String kind = directOnly ? "one-to-one ramp" : "ramp";
    double rate = start;
    while (rate <= options.maxRate() && nextStep < Math.min(limit, MAX_STEPS - 8)) {
      Map<String, Object> step = run(rate, options.stepDuration(), kind, directOnly);
      ramp.add(step);
      if (passed(step)) {
        best = step;
        rate *= 2;
      } else {
        failedAt = rate;
        break;
      }
    }
    if (best == null && failedAt > 0) {
      for (double rate2 = failedAt / 2; rate2 >= 5 && best == null && nextStep < MAX_STEPS - 4; rate2 /= 2) {
        Map<String, Object> step = run(rate2, options.stepDuration(), kind, directOnly);
        ramp.add(step);
        if (passed(step)) {
          best = step;
        } else {
          failedAt = rate2;
        }
      }
    }
    for (int i = 0; i < refine && best != null && failedAt > 0 && nextStep < MAX_STEPS - 4; i++) {
      double low = rateOf(best);
      double middle = Math.round((low + failedAt) / 2 / 10.0) * 10.0;
      if (middle <= low * 1.05 || middle >= failedAt) {
        break;
      }
      Map<String, Object> step = run(middle, options.stepDuration(), directOnly ? kind + " bisection" : "bisection",
          directOnly);
      ramp.add(step);
      if (passed(step)) {
        best = step;
      } else {
        failedAt = middle;
      }
    }
    return new Search(ramp, best, failedAt);
  }

  /**
   * The same search with every message to a one-to-one conversation (one delivery each), fewer
   * steps: from the mixed ramp's highest passing rate, doubling at most {@link #ONE_TO_ONE_STEPS}
   * times, one bisection.
   */
  Map<String, Object> oneToOneRamp() throws InterruptedException {
    double start = highestPassing != null ? rateOf(highestPassing) : options.startRate();
    Search search = search(start, 1, true, ONE_TO_ONE_STEPS);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", "every message to a one-to-one conversation; double from " + Report.num(start)
        + " msg/s (the mixed ramp's highest passing rate) until a step fails, then 1 bisection step");
    out.put("steps", search.steps());
    out.put("highestPassingRate", search.best() == null ? null : search.best().get("offeredPerSecond"));
    out.put("deliveredPerSecondAtHighestPassingRate", search.best() == null ? null
        : search.best().get("deliveredPerSecond"));
    // Every doubling step passed: the highest passing rate is a lower bound.
    out.put("stepLimitReached", search.failedAt() == 0);
    recountAtEnd();
    return out;
  }

  /**
   * {@link #OVERLOAD} at twice the highest passing rate, sent whatever happens (no early stop), then
   * a probe at {@link #PROBE_RATE} msg/s (or the passing rate, if lower) right after it: goodput
   * as a share of the peak, the refusals and how quickly they came, the JVM's thread count, and
   * how long until the probe met the p99 target again ({@link #RECOVERY_WINDOWS} 1-s windows in a
   * row, at most {@link #RECOVERY_LIMIT}).
   */
  Map<String, Object> overload() throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    if (highestPassing == null || peak == null) {
      out.put("skipped", "no step passed: no rate to double");
      return out;
    }
    double rate = 2 * rateOf(highestPassing);
    ThreadCpu threads = monitor.threads();
    int threadsBefore = threads.liveThreads();
    threads.resetPeak();
    log.info("overload: {} msg/s for {} s", (int) rate, OVERLOAD.toSeconds());
    Map<String, Object> step = run(rate, OVERLOAD, new Plan("overload", false, StopRule.NEVER, Duration.ZERO, false));
    LoadStep overloaded = steps.get(nextStep - 1);
    int threadsPeak = threads.peakThreads();
    long sendEnd = overloaded.startNanos + (long) (((Number) step.get("sendSecondsActual")).doubleValue() * 1e9);

    double probeRate = Math.min(PROBE_RATE, rateOf(highestPassing));
    double target = options.p99TargetMillis();
    Map<String, Object> probe = run(probeRate, RECOVERY_LIMIT, new Plan("recovery probe", false,
        (s, k, now) -> s.firstGoodRun(target, RECOVERY_WINDOWS) >= 0 ? "recovered" : null, DRAIN_LIMIT, true));
    LoadStep probed = steps.get(nextStep - 1);
    int good = probed.firstGoodRun(target, RECOVERY_WINDOWS);

    out.put("offeredPerSecond", rate);
    out.put("seconds", OVERLOAD.toSeconds());
    out.put("peakDeliveredPerSecond", peak.get("deliveredPerSecond"));
    out.put("peakSendsAcceptedPerSecond", peak.get("messagesStoredPerSecond"));
    out.put("deliveredPerSecond", step.get("deliveredPerSecond"));
    out.put("sendsAcceptedPerSecond", step.get("messagesStoredPerSecond"));
    out.put("deliveriesShareOfPeak", share(step.get("deliveredPerSecond"), peak.get("deliveredPerSecond")));
    out.put("sendsAcceptedShareOfPeak", share(step.get("messagesStoredPerSecond"), peak.get("messagesStoredPerSecond")));
    Map<String, Integer> failures = overloaded.sendFailures();
    out.put("refusedByStatus", failures);
    out.put("pastDeadline", failures.getOrDefault(Status.Code.DEADLINE_EXCEEDED.name(), 0));
    out.put("refusalAnswer", Latency.summary(overloaded.refusalLatency));
    out.put("liveThreadsBefore", threadsBefore);
    out.put("liveThreadsPeak", threadsPeak);
    out.put("probeRate", probeRate);
    out.put("recoverySeconds", good < 0 ? null
        : ResourceMonitor.round2((probed.startNanos - sendEnd) / 1e9 + good + RECOVERY_WINDOWS));
    out.put("recoveryMethod", "from the end of the overload's sending to the end of the first " + RECOVERY_WINDOWS
        + " whole seconds in a row in which the probe's arrivals had p99 <= " + (int) target + " ms (null: not within "
        + RECOVERY_LIMIT.toSeconds() + " s)");
    out.put("step", step);
    out.put("probe", probe);
    recountAtEnd();
    return out;
  }

  private static Double share(Object value, Object of) {
    if (!(value instanceof Number v) || !(of instanceof Number o) || o.doubleValue() <= 0) {
      return null;
    }
    return Math.round(v.doubleValue() / o.doubleValue() * 1000) / 1000.0;
  }

  private static double rateOf(Map<String, Object> step) {
    return ((Number) step.get("offeredPerSecond")).doubleValue();
  }

  /**
   * On two cores the JIT goes on compiling the stack's code (Kafka, gRPC, the services) for
   * minutes and takes a good part of the CPU meanwhile; measured steps start only once it has
   * mostly finished: warm-up steps at the start rate until the JIT used under
   * {@link #WARM_JIT_CORES} of a core during a step, at most {@link #MAX_WARM_UP_STEPS} steps.
   */
  private Map<String, Object> warmUp() throws InterruptedException {
    return warmUp(MAX_WARM_UP_STEPS);
  }

  /** The warm-up with at most {@code maxSteps} steps (the push bench's shorter one). */
  Map<String, Object> warmUp(int maxSteps) throws InterruptedException {
    long start = System.nanoTime();
    int steps = 0;
    double jit = Double.NaN;
    while (steps < maxSteps) {
      Map<String, Object> step = run(options.startRate(), options.stepDuration(), "warm-up");
      steps++;
      jit = ((Number) Report.at(step, "resources.jitCpuCores")).doubleValue();
      if (jit < WARM_JIT_CORES) {
        break;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("steps", steps);
    out.put("seconds", ResourceMonitor.round2((System.nanoTime() - start) / 1e9));
    out.put("rate", options.startRate());
    out.put("jitCpuCoresInLastStep", jit);
    return out;
  }

  /** One measured step of {@code duration} at {@code rate}, with its per-second series (the push bench's runs). */
  Map<String, Object> fixedRun(String kind, double rate, Duration duration) throws InterruptedException {
    Map<String, Object> result = run(rate, duration, kind);
    result.put("series", steps.get(nextStep - 1).seconds);
    return result;
  }

  private Map<String, Object> finalRun(double rate) throws InterruptedException {
    Map<String, Object> result = run(rate, options.duration(), "final");
    result.put("series", steps.get(nextStep - 1).seconds);
    result.put("percentiles", percentiles(steps.get(nextStep - 1)));
    return result;
  }

  /**
   * Messages that were late for their step's drain may still have arrived since: "lost" in a
   * step is "not there when the step ended"; lostAtEnd is "never arrived during the whole run".
   */
  private void recountAtEnd() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && totalMissing() > 0) {
      Thread.sleep(100);
    }
    for (int i = 0; i < reported.size(); i++) {
      reported.get(i).put("lostAtEnd", steps.get(i).missing());
      reported.get(i).put("lateArrivals", steps.get(i).late.sum());
    }
  }

  private long totalMissing() {
    long missing = 0;
    for (int i = 0; i < reported.size(); i++) {
      missing += steps.get(i).missing();
    }
    return missing;
  }

  boolean passed(Map<String, Object> step) {
    return Boolean.TRUE.equals(step.get("passed"));
  }

  /** How a step runs besides its rate and length. */
  private record Plan(String kind, boolean directOnly, StopRule stop, Duration drainLimit, boolean settle) {}

  /** Tells a step to stop sending early: the reason, or null to go on. */
  private interface StopRule {
    StopRule NEVER = (step, k, now) -> null;

    String check(LoadStep step, int k, long now);
  }

  private Map<String, Object> run(double rate, Duration duration, String kind) throws InterruptedException {
    return run(rate, duration, kind, false);
  }

  private Map<String, Object> run(double rate, Duration duration, String kind, boolean directOnly)
      throws InterruptedException {
    return run(rate, duration, new Plan(kind, directOnly, new HopelessRule(), DRAIN_LIMIT, true));
  }

  /** One step: send on the timeline, drain, measure. */
  private Map<String, Object> run(double rate, Duration duration, Plan plan) throws InterruptedException {
    String kind = plan.kind();
    int count = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
    LoadStep step = new LoadStep(nextStep, rate, count, conversations, users.size(), plan.directOnly());
    steps.set(nextStep++, step);
    step.pendingSends.set(count);
    monitor.resetPeakHeap();
    ResourceMonitor.Snapshot before = monitor.snapshot();
    WorkCounters.Reading workBefore = counters.read();

    Thread sampler = new Thread(() -> sampleEverySecond(step), "bench-sampler");
    sampler.setDaemon(true);
    step.startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    sampler.start();
    String stoppedEarly = dispatch(step, plan.stop());
    long lateSends = step.lateSends;
    long sendEnd = System.nanoTime();

    long drainDeadline = sendEnd + plan.drainLimit().toNanos();
    while (System.nanoTime() < drainDeadline) {
      if (step.pendingSends.get() <= 0 && step.deliveries.sum() >= step.expectedOfSent.get()) {
        break;
      }
      Thread.sleep(20);
    }
    step.drained = true;
    sampler.interrupt();
    sampler.join(2_000);
    step.sample(-1);
    ResourceMonitor.Snapshot after = monitor.snapshot();
    WorkCounters.Reading workAfter = counters.read();

    Map<String, Object> result = describe(step, duration, sendEnd, lateSends);
    if (stoppedEarly != null) {
      result.put("stoppedEarly", stoppedEarly);
      result.put("notSent", step.notSent.sum());
      result.put("passed", false);
    }
    result.put("resources", ResourceMonitor.usage(before, after, monitor.peakHeapSinceReset()));
    result.put("workPerMessage", WorkCounters.perMessage(workBefore, workAfter, step.count));
    result.put("cpuAttribution", ResourceMonitor.attribution(before, after, step.deliveries.sum(),
        ((Number) result.get("sendsAccepted")).longValue()));
    result.put("kind", kind);
    reported.add(result);
    log.info("{} step {}: {}", kind, step.id, oneLine(result));
    if (!plan.settle()) {
      return result;
    }
    Thread.sleep(PAUSE_BETWEEN_STEPS.toMillis());
    if (!passed(result)) {
      result.put("settleSeconds", settle());
    }
    return result;
  }

  /**
   * Waits until the stack has worked off what an overloaded step left behind (its CPU use falls
   * below {@link #QUIET_CORES}), so the next step starts from a quiet system; bounded.
   */
  private double settle() throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + SETTLE_LIMIT.toNanos();
    if (!options.embedded()) {
      Thread.sleep(5_000);
      return 5;
    }
    while (System.nanoTime() < deadline) {
      ResourceMonitor.Snapshot from = monitor.snapshot();
      Thread.sleep(1_000);
      Map<String, Object> usage = ResourceMonitor.usage(from, monitor.snapshot(), 0);
      double busy = ((Number) usage.get("jvmCpuCores")).doubleValue()
          + ((Number) usage.getOrDefault("postgresCpuCores", 0.0)).doubleValue();
      if (busy < QUIET_CORES) {
        break;
      }
    }
    return ResourceMonitor.round2((System.nanoTime() - start) / 1e9);
  }

  /**
   * Sends message k at its due time, until {@code stop} tells the step to end early. Returns why
   * it stopped early, or null.
   */
  private String dispatch(LoadStep step, StopRule stop) {
    long nextCheck = step.startNanos + TimeUnit.SECONDS.toNanos(2);
    for (int k = 0; k < step.count; k++) {
      long due = step.dueNanos(k);
      long now = System.nanoTime();
      if (due - now > 50_000) {
        LockSupport.parkNanos(due - now);
      } else if (now - due > 10_000_000) {
        step.lateSends++;
      }
      if (now > nextCheck) {
        nextCheck = now + TimeUnit.MILLISECONDS.toNanos(250);
        String reason = stop.check(step, k, now);
        if (reason != null) {
          for (int rest = k; rest < step.count; rest++) {
            step.notSent(rest);
          }
          return String.format("after %.1f s: %s", (now - step.startNanos) / 1e9, reason);
        }
      }
      if (inFlight.get() >= MAX_IN_FLIGHT) {
        step.failed(k, "NOT_SENT (client has " + MAX_IN_FLIGHT + " calls waiting)");
        continue;
      }
      send(step, k);
    }
    return null;
  }

  /**
   * Stops a step once it has clearly failed (more than {@link #BACKLOG_SECONDS} s of sends
   * unanswered, or p99 above {@link #HOPELESS_FACTOR} times the target for two whole seconds): an
   * overload that runs its course leaves a backlog that spoils the steps after it.
   */
  private final class HopelessRule implements StopRule {
    private int hopelessSeconds;
    private double lastChecked = -1;

    @Override
    public String check(LoadStep step, int k, long now) {
      long unanswered = step.pendingSends.get() - (step.count - k);
      String reason = null;
      if (unanswered > step.rate * BACKLOG_SECONDS) {
        reason = unanswered + " sends unanswered (over " + BACKLOG_SECONDS + " s worth)";
      }
      double p99 = step.lastSecondP99Ms;
      if (p99 != lastChecked) {
        lastChecked = p99;
        hopelessSeconds = p99 > options.p99TargetMillis() * HOPELESS_FACTOR ? hopelessSeconds + 1 : 0;
        if (hopelessSeconds >= 2) {
          reason = "p99 over " + (int) (options.p99TargetMillis() * HOPELESS_FACTOR) + " ms for 2 s";
        }
      }
      return reason;
    }
  }

  private void send(LoadStep step, int k) {
    int sender = step.sender[k];
    SendMessageRequest request = SendMessageRequest.newBuilder()
        .setConversationId(conversations.ids[step.conversation[k]])
        .setContent("b|" + runTag + "|" + step.id + "|" + k + "|" + padding)
        .setClientMessageId(runTag + "-" + step.id + "-" + k)
        .build();
    inFlight.incrementAndGet();
    long called = System.nanoTime();
    try {
      Futures.addCallback(senders[sender].withDeadlineAfter(SEND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .sendMessage(request), new FutureCallback<SendMessageResponse>() {
            @Override
            public void onSuccess(SendMessageResponse response) {
              inFlight.decrementAndGet();
              step.sent(k, System.nanoTime());
            }

            @Override
            public void onFailure(Throwable t) {
              inFlight.decrementAndGet();
              Status.Code code = Status.fromThrowable(t).getCode();
              if (code == Status.Code.DEADLINE_EXCEEDED) {
                step.failed(k, code.name());
              } else {
                step.refused(k, code.name(), System.nanoTime() - called);
              }
            }
          }, MoreExecutors.directExecutor());
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      step.failed(k, e.getClass().getSimpleName());
    }
  }

  private static void sampleEverySecond(LoadStep step) {
    long next = step.startNanos + 1_000_000_000L;
    int second = 0;
    while (!Thread.currentThread().isInterrupted()) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        continue;
      }
      step.sample(second++);
      next += 1_000_000_000L;
    }
  }

  private Map<String, Object> describe(LoadStep step, Duration duration, long sendEnd, long lateSends) {
    Map<String, Object> out = new LinkedHashMap<>();
    double seconds = duration.toNanos() / 1e9;
    long missing = step.missing();
    long notAnswered = step.notAnswered();
    long deliveries = step.deliveries.sum();
    double sendingSeconds = Math.max(1e-3, Math.min(seconds, (sendEnd - step.startNanos) / 1e9));
    double deliveryWindow = Math.max(sendingSeconds, (step.lastDeliveryNanos - step.startNanos) / 1e9);
    out.put("step", step.id);
    out.put("offeredPerSecond", step.rate);
    out.put("seconds", ResourceMonitor.round2(seconds));
    out.put("messages", step.count);
    out.put("sendSecondsActual", ResourceMonitor.round2((sendEnd - step.startNanos) / 1e9));
    out.put("sentLateOver10ms", lateSends);
    long notSent = step.notSent.sum();
    long sent = step.count - notSent;
    out.put("sendsAccepted", sent - step.failedSends() - notAnswered);
    out.put("sendFailures", step.sendFailures());
    out.put("sendsUnanswered", notAnswered);
    out.put("deliveriesExpected", step.expectedOfSent.get());
    out.put("deliveries", deliveries);
    out.put("deliveredPerSecond", Math.round(deliveries / deliveryWindow));
    out.put("messagesStoredPerSecond", ResourceMonitor.round2((sent - step.failedSends() - notAnswered) / sendingSeconds));
    out.put("lost", missing);
    out.put("duplicates", step.duplicates.sum());
    out.put("misdelivered", step.misdelivered.sum());
    out.put("deliveredDespiteSendFailure", step.deliveredDespiteFailure.sum());
    out.put("latency", Latency.summary(step.deliveryLatency));
    out.put("sendMessageLatency", Latency.summary(step.rpcLatency));
    boolean passed = step.failedSends() == 0 && notAnswered == 0 && missing == 0 && step.duplicates.sum() == 0
        && step.misdelivered.sum() == 0 && Latency.p99Millis(step.deliveryLatency) <= options.p99TargetMillis()
        && step.deliveryLatency.getTotalCount() > 0;
    out.put("passed", passed);
    return out;
  }

  /** Latency at percentiles from 0 to 99.99 and the maximum, for the percentile chart. */
  private static List<Map<String, Object>> percentiles(LoadStep step) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (step.deliveryLatency.getTotalCount() == 0) {
      return out;
    }
    double[] levels = {0, 10, 20, 30, 40, 50, 55, 60, 65, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99,
        99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100};
    for (double level : levels) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("percentile", level);
      point.put("ms", Latency.millis(level == 100 ? step.deliveryLatency.getMaxValue()
          : step.deliveryLatency.getValueAtPercentile(level)));
      out.add(point);
    }
    return out;
  }

  /** A ramp step's results as one log line. */
  @SuppressWarnings("unchecked")
  static String oneLine(Map<String, Object> step) {
    Map<String, Object> latency = (Map<String, Object>) step.get("latency");
    return String.format("%s msg/s -> %s deliveries/s, p50 %s ms, p99 %s ms, max %s ms, lost %s, dup %s, failed sends %s: %s",
        fmt(step.get("offeredPerSecond")), step.get("deliveredPerSecond"), latency.get("p50Ms"), latency.get("p99Ms"),
        latency.get("maxMs"), step.get("lost"), step.get("duplicates"), step.get("sendFailures"),
        Boolean.TRUE.equals(step.get("passed")) ? "pass" : "FAIL"
            + (step.get("stoppedEarly") != null ? " (stopped " + step.get("stoppedEarly") + ")" : ""));
  }

  private static String fmt(Object number) {
    double value = ((Number) number).doubleValue();
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
