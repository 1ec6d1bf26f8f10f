package com.whatsappclone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.push.FakeFcm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push bench ({@code java -jar bench/target/whatsapp-bench.jar --push}, bench/README.md "Push
 * notifications"), issue 18's figures: pushes per second to recipients whose app is closed, and
 * the message path's rate and latency with push off, on, and on with the provider stalled. Three
 * embedded stacks one after the other in this JVM (push off; push on against a {@link FakeFcm} in
 * this JVM; push on with a small PUSH_MAX_PENDING, so that the stalled provider's backlog pauses
 * push's consumer); results/push.json and the README section.
 */
public final class PushMain {

  private static final String README_START = "<!-- push:start -->";
  private static final String README_END = "<!-- push:end -->";
  private static final Duration DRAIN_QUIET = Duration.ofSeconds(2);
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(20);
  private static final Duration PAUSE_BETWEEN_STEPS = Duration.ofSeconds(2);
  private static final String PUSH_ACK_GRACE = "10s";

  /** One run of the message path: its name, push on, the provider stalled. */
  private record Run(String name, boolean pushOn, boolean stalled) {}

  /** The users signed in for one stack: the connected load's, the offline recipients, their senders. */
  private record Users(List<BenchUser> load, List<BenchUser> recipients, List<BenchUser> senders) {}

  /** A started stack with its monitor and gateway channel; closing stops all three. */
  private record Started(BenchStack stack, ResourceMonitor monitor, Gateway gateway, Thread stopOnExit)
      implements AutoCloseable {

    static Started of(Map<String, String> extra) throws Exception {
      BenchStack stack = BenchStack.startEmbedded(extra);
      // Ctrl-C or a timeout must not leave the embedded PostgreSQL running.
      Thread stopOnExit = new Thread(stack::close, "bench-stop-stack");
      Runtime.getRuntime().addShutdownHook(stopOnExit);
      return new Started(stack, new ResourceMonitor(stack::postgresPid), new Gateway(stack.gateway()), stopOnExit);
    }

    @Override
    public void close() {
      gateway.close();
      monitor.close();
      stack.close();
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
  }

  private final PushOptions options;
  private final Logger log = LoggerFactory.getLogger(PushMain.class);
  private final List<String> errors = new ArrayList<>();
  private PushLogEvents pushLog;

  private PushMain(PushOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", BenchMain.LOGBACK_CONFIG);
    }
    PushOptions options;
    try {
      options = PushOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
        System.err.println();
      }
      System.err.println(PushOptions.usage());
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    // The embedded Kafka and gRPC leave non-daemon threads behind after stopping.
    System.exit(new PushMain(options).run());
  }

  private int run() throws Exception {
    long started = System.nanoTime();
    pushLog = PushLogEvents.attach();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("commit", GitInfo.commit());
    meta.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    meta.put("cores", Runtime.getRuntime().availableProcessors());
    meta.put("javaVersion", System.getProperty("java.version"));
    meta.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576);
    meta.put("loadAverageAtStart", loadAverage());
    meta.put("quick", options.quick());
    meta.put("recipients", options.recipients());
    meta.put("senders", options.senders());
    meta.put("pushSettings", Map.of(
        "PUSH_PER_DEVICE_PER_MINUTE", options.perDevicePerMinute(),
        "PUSH_MAX_PENDING", "10000 (the default); " + options.maxPending() + " in run d",
        "PUSH_ACK_GRACE", PUSH_ACK_GRACE + " (the default)",
        "PUSH_MAX_IN_FLIGHT", "64 (the default)",
        "PUSH_PROVIDER_TIMEOUT", "10s (the default)"));
    meta.put("pushSettingsWhy", "PUSH_PER_DEVICE_PER_MINUTE at its maximum (1000): at 1,000 msg/s over "
        + options.recipients() + " recipients each gets " + Math.round(1000.0 * 60 / options.recipients())
        + " a minute, so the rate phase measures push, not the per-device limit; PUSH_MAX_PENDING small in run d only:"
        + " the stalled provider's backlog (collapsed per device and conversation, so at most one per offline"
        + " recipient) reaches its 90 % pause mark; the same limit bounds the connected devices' grace checks, which"
        + " it then drops (counted), so runs b and c keep the default");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("meta", meta);
    Map<String, Object> messagePath = new LinkedHashMap<>();
    messagePath.put("rate", options.rate());
    messagePath.put("seconds", options.duration().toSeconds());
    messagePath.put("users", options.users());
    messagePath.put("offlinePercent", options.offlinePercent());
    messagePath.put("load", "the bench's mix (every user's device on a WebSocket, acking; half the messages to "
        + "one-to-one conversations, half to groups of 8) plus " + options.offlinePercent()
        + " % more messages to the offline recipients, in every run");
    List<Map<String, Object>> runs = new ArrayList<>();
    messagePath.put("runs", runs);

    try {
      log.info("stack 1 of 3: push off");
      try (Started stack = Started.of(Map.of())) {
        meta.put("pushOffStackSettings", stack.stack().benchSettings());
        Users users = signIn(stack);
        OfflineRecipients offline = offlineRecipients(stack, users);
        runs.addAll(messagePath(stack, users, offline, null, List.of(new Run("a: push off", false, false))));
      }
      log.info("stack 2 of 3: push on, FCM in this JVM");
      try (FakeFcm fcm = FakeFcm.start(); Started stack = Started.of(pushSettings(fcm, null))) {
        meta.put("pushOnStackSettings", stack.stack().benchSettings());
        GrpcHealth.awaitServing("push", stack.stack().messageWorkerPort(), "push");
        pushLog.graceDropped.set(0);
        Users users = signIn(stack);
        OfflineRecipients offline = offlineRecipients(stack, users);
        offline.listenTo(fcm);
        results.put("offlinePushRate", ratePhase(stack, offline));
        runs.addAll(messagePath(stack, users, offline, fcm, List.of(
            new Run("b: push on, FCM answering", true, false),
            new Run("c: push on, FCM stalled", true, true))));
      }
      log.info("stack 3 of 3: push on, PUSH_MAX_PENDING={}", options.maxPending());
      try (FakeFcm fcm = FakeFcm.start(); Started stack = Started.of(pushSettings(fcm, options.maxPending()))) {
        meta.put("smallBacklogStackSettings", stack.stack().benchSettings());
        GrpcHealth.awaitServing("push", stack.stack().messageWorkerPort(), "push");
        pushLog.graceDropped.set(0);
        Users users = signIn(stack);
        OfflineRecipients offline = offlineRecipients(stack, users);
        offline.listenTo(fcm);
        runs.addAll(messagePath(stack, users, offline, fcm, List.of(
            new Run("d: push on, FCM stalled, PUSH_MAX_PENDING=" + options.maxPending(), true, true))));
      }
    } catch (Exception e) {
      log.error("the push bench failed", e);
      errors.add(String.valueOf(e));
    }
    results.put("messagePath", messagePath);
    meta.put("loadAverageAtEnd", loadAverage());
    meta.put("totalSeconds", ResourceMonitor.round2((System.nanoTime() - started) / 1e9));
    meta.put("errors", errors);
    write(results);
    return errors.isEmpty() ? 0 : 1;
  }

  /** FCM at {@code fcm}; {@code maxPending} null: PUSH_MAX_PENDING's default. */
  private Map<String, String> pushSettings(FakeFcm fcm, Integer maxPending) {
    Map<String, String> settings = new LinkedHashMap<>(fcm.settings());
    settings.put("PUSH_PER_DEVICE_PER_MINUTE", String.valueOf(options.perDevicePerMinute()));
    if (maxPending != null) {
      settings.put("PUSH_MAX_PENDING", String.valueOf(maxPending));
    }
    settings.put("PUSH_ACK_GRACE", PUSH_ACK_GRACE);
    return settings;
  }

  /** Load users, offline recipients and their senders, all signed in through the gateway (dev-mode code). */
  private Users signIn(Started stack) throws InterruptedException {
    int load = options.users();
    int recipients = options.recipients();
    int senders = options.senders();
    List<BenchUser> all = AuthBench.newUsers(load + recipients + senders);
    log.info("signing in {} users ({} connected, {} offline recipients, {} senders)", all.size(), load, recipients,
        senders);
    ConcurrentCalls.Outcome outcome = AuthBench.signIn(stack.gateway(), all);
    if (outcome.succeeded() < all.size()) {
      throw new IllegalStateException("only " + outcome.succeeded() + " of " + all.size() + " users signed in: "
          + outcome.failures());
    }
    return new Users(all.subList(0, load), all.subList(load, load + recipients),
        all.subList(load + recipients, all.size()));
  }

  private OfflineRecipients offlineRecipients(Started stack, Users users) throws InterruptedException {
    String tag = Long.toString(ThreadLocalRandom.current().nextLong() >>> 20, 36);
    OfflineRecipients offline = new OfflineRecipients(stack.gateway(), users.recipients(), users.senders(), tag);
    log.info("offline recipients: registering {} FCM tokens and creating their conversations", offline.size());
    offline.prepare();
    return offline;
  }

  /** Phase 1: messages to offline recipients at each offered rate; pushes, their rate and latency. */
  private Map<String, Object> ratePhase(Started stack, OfflineRecipients offline) throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("recipients", offline.size());
    out.put("senders", options.senders());
    out.put("stepSeconds", options.step().toSeconds());
    int first = options.rates().get(0);
    log.info("offline push rate: warm-up {} s at {} msg/s, not measured", options.step().toSeconds(), first);
    OfflineRecipients.Batch warm = offline.send("warm", first, options.step());
    OfflineRecipients.drain(warm, DRAIN_QUIET, DRAIN_LIMIT);
    out.put("warmUp", OfflineRecipients.describe(warm));
    List<Map<String, Object>> steps = new ArrayList<>();
    out.put("steps", steps);
    for (int rate : options.rates()) {
      Thread.sleep(PAUSE_BETWEEN_STEPS.toMillis());
      ResourceMonitor.Snapshot before = stack.monitor().snapshot();
      OfflineRecipients.Batch batch = offline.send("r" + rate, rate, options.step());
      double drain = OfflineRecipients.drain(batch, DRAIN_QUIET, DRAIN_LIMIT);
      ResourceMonitor.Snapshot after = stack.monitor().snapshot();
      Map<String, Object> step = OfflineRecipients.describe(batch);
      step.put("drainSeconds", drain);
      Map<String, Object> cpu = ResourceMonitor.attribution(before, after, batch.pushes.sum(), batch.accepted.sum());
      step.put("cpuMicrosPerPush", cpu.get("cpuMicrosPerDelivery"));
      step.put("machineCpuMicrosPerPush", cpu.get("machineCpuMicrosPerDelivery"));
      step.put("cpuCores", cpu.get("cpuCores"));
      step.put("resources", ResourceMonitor.usage(before, after, 0));
      step.put("consumerPausesSoFar", pushLog.paused.sum());
      steps.add(step);
      log.info("offline push rate {} msg/s: {}", rate, PushReport.rateLine(step));
    }
    out.put("pushesNotMatchedToAMessage", offline.unmatchedPushes());
    return out;
  }

  /**
   * Phase 2 on one stack: the bench's mix at the fixed rate with every load user's device
   * connected and acking, plus messages to the offline recipients alongside, once per run.
   */
  private List<Map<String, Object>> messagePath(Started stack, Users users, OfflineRecipients offline, FakeFcm fcm,
      List<Run> plan) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    BenchOptions loadOptions = options.loadOptions();
    String[] tokens = new String[users.load().size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = "bench-fcm-load-" + i;
    }
    // Connected users have tokens too, as phones do: push then checks them after PUSH_ACK_GRACE.
    ConcurrentCalls.Outcome registered = OfflineRecipients.registerTokens(stack.gateway(), users.load(), tokens);
    if (registered.succeeded() < tokens.length) {
      errors.add("RegisterPushToken failed for some connected users: " + registered.failures());
    }
    Conversations conversations = Conversations.plan(users.load().size(), loadOptions.groupSize());
    ConcurrentCalls.Outcome created = conversations.create(stack.gateway(), users.load());
    if (!conversations.allCreated()) {
      throw new IllegalStateException("only " + created.succeeded() + " of " + conversations.ids.length
          + " conversations were created: " + created.failures());
    }
    try (WorkCounters counters = WorkCounters.open(stack.stack().database(), stack.stack().isEmbedded());
        Devices devices = new Devices(users.load(), stack.stack().webSocket(), true)) {
      MessagingLoad load = new MessagingLoad(stack.gateway(), users.load(), conversations, loadOptions,
          stack.monitor(), counters);
      devices.sink(load);
      Map<String, Object> connected = devices.connectAll(Duration.ofSeconds(60));
      log.info("WebSocket devices: {}", connected);
      // The first stack warms the JIT for both: the second runs in the same JVM.
      int warmUpSteps = fcm == null ? (options.quick() ? 1 : 8) : (options.quick() ? 1 : 2);
      Map<String, Object> warmUp = load.warmUp(warmUpSteps);
      for (Run run : plan) {
        Map<String, Object> result = oneRun(load, offline, fcm, run);
        result.put("connectStorm", connected);
        result.put("warmUpBeforeThisStack", warmUp);
        out.add(result);
      }
    }
    return out;
  }

  private Map<String, Object> oneRun(MessagingLoad load, OfflineRecipients offline, FakeFcm fcm, Run run)
      throws Exception {
    log.info("message path, run {}: {} msg/s for {} s, {} % more to offline recipients", run.name(),
        options.rate(), options.duration().toSeconds(), options.offlinePercent());
    long pausedBefore = pushLog.paused.sum();
    long resumedBefore = pushLog.resumed.sum();
    long unmatchedBefore = offline.unmatchedPushes();
    long graceDroppedBefore = pushLog.graceDropped.get();
    if (run.stalled()) {
      fcm.stall();
    }
    double extraRate = options.rate() * options.offlinePercent() / 100.0;
    AtomicReference<OfflineRecipients.Batch> extra = new AtomicReference<>();
    String batchName = run.name().substring(0, 1) + "-extra";
    Thread sender = new Thread(() -> extra.set(offline.send(batchName, extraRate, options.duration())),
        "bench-offline-sender");
    sender.start();
    Map<String, Object> step = load.fixedRun(run.name(), options.rate(), options.duration());
    sender.join();
    OfflineRecipients.Batch batch = extra.get();

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run", run.name());
    out.put("pushOn", run.pushOn());
    out.put("providerStalled", run.stalled());
    out.put("deliveredPerSecond", step.get("deliveredPerSecond"));
    out.put("messagesStoredPerSecond", step.get("messagesStoredPerSecond"));
    out.put("latency", step.get("latency"));
    out.put("lost", step.get("lost"));
    out.put("duplicates", step.get("duplicates"));
    out.put("sendFailures", step.get("sendFailures"));
    out.put("sendsUnanswered", step.get("sendsUnanswered"));
    out.put("passed", step.get("passed"));
    out.put("stoppedEarly", step.get("stoppedEarly"));
    if (run.stalled()) {
      Map<String, Object> stalled = new LinkedHashMap<>();
      OfflineRecipients.drain(batch, Duration.ZERO, DRAIN_LIMIT);
      stalled.put("offlineMessagesAccepted", batch.accepted.sum());
      stalled.put("pushedWhileStalled", batch.pushes.sum());
      stalled.put("notYetPushed", batch.accepted.sum() - batch.pushedMessages.sum());
      stalled.put("requestsHeldAtProvider", fcm.held());
      stalled.put("consumerPaused", pushLog.paused.sum() - pausedBefore);
      log.info("stalled: {}", stalled);
      fcm.release();
      long released = System.nanoTime();
      Duration limit = options.quick() ? Duration.ofSeconds(30) : Duration.ofSeconds(60);
      // Pushes the worker gave up on (timeouts) come back on its backoff: up to a minute.
      OfflineRecipients.drain(batch, Duration.ofSeconds(5), limit);
      stalled.put("afterRelease", Map.of(
          "pushes", batch.pushes.sum(),
          "messagesPushed", batch.pushedMessages.sum(),
          "repeatedPushes", batch.repeated.sum(),
          "secondsUntilLastPush", batch.lastPushNanos > released
              ? ResourceMonitor.round2((batch.lastPushNanos - released) / 1e9) : 0.0,
          "consumerResumed", pushLog.resumed.sum() - resumedBefore));
      out.put("pushBacklog", stalled);
    } else {
      OfflineRecipients.drain(batch, DRAIN_QUIET, DRAIN_LIMIT);
    }
    out.put("offline", OfflineRecipients.describe(batch));
    out.put("pushesToConnectedDevices", offline.unmatchedPushes() - unmatchedBefore);
    out.put("consumerPaused", pushLog.paused.sum() - pausedBefore);
    // From the planner's warnings, logged at powers of two: a lower bound of the run's drops.
    out.put("graceChecksDropped", pushLog.graceDropped.get() - graceDroppedBefore);
    out.put("messagePathStep", step);
    log.info("{}: {}", run.name(), PushReport.runLine(out));
    return out;
  }

  /** /proc/loadavg's first three figures: the machine may be shared with other work. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void write(Map<String, Object> results) throws Exception {
    Files.createDirectories(options.results());
    Path json = options.results().resolve("push.json");
    Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(results) + "\n");
    System.out.println("results: " + json);
    String markdown = PushReport.markdown(results);
    System.out.println();
    System.out.println(markdown);
    Path readme = options.results().toAbsolutePath().getParent().resolve("README.md");
    if (options.updateReadme() && Files.exists(readme)) {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      int start = text.indexOf(README_START);
      int end = text.indexOf(README_END);
      if (start >= 0 && end > start) {
        Files.writeString(readme, text.substring(0, start + README_START.length()) + "\n" + markdown
            + text.substring(end), StandardCharsets.UTF_8);
        System.out.println("updated the push section of " + readme);
      }
    }
  }
}
