package com.whatsappclone.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's parts against a running stack, in an order that keeps them from disturbing each
 * other: the machine's limits while the stack is idle, then sign-in (the auth figures and the load's
 * users), the messaging ramp, the group fan-out, and the connection capacity last (it needs the
 * most sockets, so the load's devices are closed first). A part that fails is recorded and the
 * others go on.
 */
final class Phases {

  private static final Logger log = LoggerFactory.getLogger(Phases.class);
  private static final Duration LIMIT_EACH = Duration.ofSeconds(5);

  private final BenchOptions options;
  private final BenchStack stack;
  private final ResourceMonitor monitor;
  private final Map<String, Object> results;
  private final List<String> errors;

  Phases(BenchOptions options, BenchStack stack, ResourceMonitor monitor, Map<String, Object> results,
      List<String> errors) {
    this.options = options;
    this.stack = stack;
    this.monitor = monitor;
    this.results = results;
    this.errors = errors;
  }

  void runAll() throws Exception {
    if (options.runs("limits")) {
      Map<String, Object> machine = new LinkedHashMap<>();
      results.put("machine", machine);
      if (stack.database().isPresent()) {
        step("PostgreSQL insert limits", () -> machine.put("postgres",
            PostgresLimits.run(stack.database().get(), options.payloadBytes(), LIMIT_EACH)));
      }
      if (stack.kafka().isPresent()) {
        step("Kafka produce+consume limit", () -> machine.put("kafka",
            KafkaLimits.run(stack.kafka().get(), options.payloadBytes(), options.groupSize(), LIMIT_EACH)));
      }
    }
    try (Gateway gateway = new Gateway(stack.gateway())) {
      List<BenchUser> users = signIn(gateway);
      if (users.size() < 2) {
        errors.add("fewer than 2 users could sign in; nothing else can run");
        return;
      }
      Conversations conversations = Conversations.plan(users.size(), options.groupSize());
      if (options.runs("e2e")) {
        step("creating conversations", () -> {
          ConcurrentCalls.Outcome created = conversations.create(gateway, users);
          if (!conversations.allCreated()) {
            throw new IllegalStateException("only " + created.succeeded() + " of " + conversations.ids.length
                + " conversations were created: " + created.failures());
          }
        });
      }
      stack.analyzeDatabase();
      try (WorkCounters counters = WorkCounters.open(stack.database(), stack.isEmbedded());
          Devices devices = new Devices(users, stack.webSocket(), options.ack())) {
        MessagingLoad load = new MessagingLoad(gateway, users, conversations, options, monitor, counters);
        devices.sink(load);
        Map<String, Object> connected = devices.connectAll(Duration.ofSeconds(60));
        log.info("WebSocket devices, all connecting at once: {}", connected);
        Map<String, Object> e2e = new LinkedHashMap<>();
        e2e.put("users", users.size());
        e2e.put("connectStorm", connected);
        e2e.put("ack", options.ack());
        e2e.put("payloadBytes", options.payloadBytes());
        e2e.put("conversations", conversations.describe());
        results.put("e2e", e2e);
        if (options.runs("e2e") && conversations.allCreated()) {
          step("end-to-end messaging ramp", () -> e2e.put("ramp", load.ramp()));
          if (options.fixedRate() == 0) {
            // The overload last: the backlog it leaves would spoil the steps after it.
            step("one-to-one-only ramp", () -> e2e.put("oneToOneRamp", load.oneToOneRamp()));
            step("overload at twice the highest passing rate", () -> e2e.put("overload", load.overload()));
          }
          e2e.put("devices", devices.describe());
          if (options.dumpThreads()) {
            log.info("threads seen so far (digits as N), most CPU first:\n{}",
                String.join("\n", monitor.threads().dump()));
          }
        }

        GroupFanout fanout = null;
        int members = Math.min(options.fanoutMembers(), users.size());
        if (options.runs("fanout") && members >= 3) {
          GroupFanout probe = new GroupFanout(gateway, users.subList(0, members), load.runTag());
          load.probeSink(probe);
          String name = "group fan-out to " + (members - 1) + " members";
          try {
            probe.createGroup();
            fanout = probe;
          } catch (RuntimeException e) {
            // chat caps the group size (a setting in newer versions): say so and go on without it
            log.error("{}: creating the group of {} failed", name, members, e);
            errors.add(name + ": creating the group of " + members + " failed: " + e);
            results.put("fanout", Map.of("groupMembers", members, "createGroupFailed", String.valueOf(e)));
          }
          if (fanout != null) {
            step(name, () -> results.put("fanout", probe.measure(options.fanoutRepeats(), 0)));
          }
        }

        if (options.runs("capacity") && options.connections() > 0) {
          // The group's members keep their one device. Embedded, the idle connections go to a
          // realtime instance of their own (a child process), so any user's token will do; against
          // a deployment they belong to the other users, so the group message still goes to one
          // device per member.
          boolean separate = stack.isEmbedded() || users.size() > members;
          int keep = fanout == null || !separate ? 0 : members;
          devices.closeAllBut(keep);
          devices.awaitOpenAtMost(keep, Duration.ofSeconds(10));
          List<BenchUser> idle = stack.isEmbedded() || !separate ? users : users.subList(members, users.size());
          GroupFanout whileHeld = separate ? fanout : null;
          step("connection capacity", () -> results.put("capacity",
              new ConnectionCapacity(stack, monitor, options).run(idle, devices.openCount(),
                  () -> whileHeld == null ? Map.of() : whileHeld.measure(options.fanoutRepeats(), 1_000))));
        }
      }
    }
    ratios();
  }

  private List<BenchUser> signIn(Gateway gateway) throws InterruptedException {
    List<BenchUser> users = AuthBench.newUsers(options.users());
    Map<String, Object> auth = new LinkedHashMap<>();
    results.put("auth", auth);
    log.info("signing in {} users (VerifyOTP, dev mode)", users.size());
    ConcurrentCalls.Outcome verify = AuthBench.signIn(gateway, users);
    auth.put("verifyOtp", withConcurrency(verify.describe()));
    List<BenchUser> signedIn = new ArrayList<>();
    for (BenchUser user : users) {
      if (user.id != null) {
        signedIn.add(user);
      }
    }
    if (!verify.failures().isEmpty()) {
      errors.add("VerifyOTP failed for some users: " + verify.failures());
    }
    log.info("refreshing their tokens (RefreshToken)");
    ConcurrentCalls.Outcome refresh = AuthBench.refresh(gateway, signedIn);
    auth.put("refreshToken", withConcurrency(refresh.describe()));
    if (!refresh.failures().isEmpty()) {
      errors.add("RefreshToken failed for some users: " + refresh.failures());
    }
    // Renumber: the load addresses users by their position.
    List<BenchUser> ready = new ArrayList<>();
    for (BenchUser user : signedIn) {
      BenchUser copy = new BenchUser(ready.size(), user.phone);
      copy.id = user.id;
      copy.accessToken = user.accessToken;
      copy.refreshToken = user.refreshToken;
      ready.add(copy);
    }
    return ready;
  }

  private static Map<String, Object> withConcurrency(Map<String, Object> outcome) {
    outcome.put("concurrency", AuthBench.CONCURRENCY);
    return outcome;
  }

  /** The end-to-end rate as a share of each of the machine's limits. */
  private void ratios() {
    Object sustained = Report.at(results, "e2e.ramp.sustainedRate");
    Object best = sustained != null ? sustained : Report.at(results, "e2e.ramp.highestPassingRate");
    if (!(best instanceof Number rate)) {
      return;
    }
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("e2eMessagesPerSecond", rate);
    ratio(ratios, "toPostgresSingleRow1", rate, "machine.postgres.singleRowAutocommit1Connection.rowsPerSecond");
    ratio(ratios, "toPostgresSingleRow8", rate, "machine.postgres.singleRowAutocommit8Connections.rowsPerSecond");
    ratio(ratios, "toPostgresBatched", rate, "machine.postgres.batched500RowsPerTransaction.rowsPerSecond");
    ratio(ratios, "toKafka", rate, "machine.kafka.produceAndConsumePerSecond");
    results.put("ratios", ratios);
  }

  private void ratio(Map<String, Object> ratios, String name, Number rate, String path) {
    if (Report.at(results, path) instanceof Number limit && limit.doubleValue() > 0) {
      ratios.put(name, Math.round(rate.doubleValue() / limit.doubleValue() * 10_000) / 10_000.0);
    }
  }

  interface Body {
    void run() throws Exception;
  }

  private void step(String name, Body body) {
    try {
      log.info("{} ...", name);
      body.run();
    } catch (Exception e) {
      log.error("{} failed", name, e);
      errors.add(name + ": " + e);
    }
  }
}
