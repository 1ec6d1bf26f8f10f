package com.whatsappclone.common.grpc;

import com.whatsappclone.common.lifecycle.DaemonThreads;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service needs before it can do its work, as named conditions ("database", "partitions",
 * "lag"...), and the one place that turns them into the server's overall gRPC health (service ""
 * and each of its services): SERVING while every condition holds, NOT_SERVING otherwise. The
 * metrics endpoint's /health/ready answers from that same health, and lists the failing
 * conditions with their reasons.
 *
 * <p>Each condition is a {@link Check}, asked on a thread of its own every {@link #CHECK_INTERVAL}
 * and at once after {@link #recheck} (for a state change someone has seen happen, such as the
 * worker's consumer getting its partitions). Checks may block for a moment (a database probe): the
 * callers of recheck never wait for them. A check that throws counts as failing, with the
 * exception as its reason.
 *
 * <p>Readiness is not liveness: a service that is not ready keeps running and recovers by itself
 * (/health/live stays 200), so an orchestrator should stop sending it work, not restart it.
 */
public final class Readiness implements AutoCloseable {

  /** How often the conditions are asked: how late a change nobody reports is seen. */
  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(Readiness.class);

  /** One thing the service needs. */
  @FunctionalInterface
  public interface Check {
    /** Empty while the condition holds; otherwise why not, in words for an operator. */
    Optional<String> problem();
  }

  private final String serverName;
  private final Map<String, Check> checks;
  private final Consumer<ServingStatus> publish;
  private final ScheduledExecutorService thread;
  private volatile Map<String, String> problems = Map.of();
  private boolean published;
  private boolean wasReady;

  /**
   * @param checks  the conditions by name, in the order they are reported
   * @param publish sets the server's overall status; called from the readiness thread only
   */
  Readiness(String serverName, Map<String, Check> checks, Consumer<ServingStatus> publish) {
    this.serverName = serverName;
    this.checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    this.publish = publish;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
        DaemonThreads.named(serverName + "-readiness"));
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = executor;
  }

  /** Asks every condition once, publishes the result, then keeps asking every interval. */
  void start() {
    checkAll();
    thread.scheduleWithFixedDelay(this::checkAll, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Asks the conditions again now, on the readiness thread; returns at once. */
  public void recheck() {
    try {
      thread.execute(this::checkAll);
    } catch (RejectedExecutionException e) {
      // closed: the server is stopping, and its health says so already
    }
  }

  /** The failing conditions at the last check and why, by name; empty while ready. */
  public Map<String, String> problems() {
    return problems;
  }

  private synchronized void checkAll() {
    Map<String, String> now = new LinkedHashMap<>();
    checks.forEach((condition, check) -> {
      try {
        check.problem().ifPresent(problem -> now.put(condition, problem));
      } catch (RuntimeException e) {
        now.put(condition, "its check failed: " + e);
      }
    });
    Map<String, String> before = problems;
    problems = Collections.unmodifiableMap(now);
    // Reasons may change at every check (a lag that grows): say so only when the set changes.
    if (!published || !before.keySet().equals(now.keySet())) {
      if (now.isEmpty()) {
        if (published) {
          log.info(wasReady ? "{} is ready again" : "{} is ready", serverName);
        }
        wasReady = true;
      } else if (wasReady) {
        log.warn("{} is NOT ready: {}", serverName, now);
      } else {
        // Starting up: waiting for partitions and the like is the normal course, not a warning.
        log.info("{} is not ready yet: {}", serverName, now);
      }
      publish.accept(now.isEmpty() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
      published = true;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
