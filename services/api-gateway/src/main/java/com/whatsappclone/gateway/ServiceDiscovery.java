package com.whatsappclone.gateway;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link RouteTable} in step with what the backends serve, read from their server
 * reflection: at start-up, periodically, when a backend comes back (it may have been upgraded) and
 * when a call names a method the table does not know yet.
 *
 * <p>A backend that cannot be asked keeps what it last said; until it has said anything, the
 * compiled-in descriptors of its known service stand in (see {@link RouteCatalog}).
 */
final class ServiceDiscovery {

  private static final Logger log = LoggerFactory.getLogger(ServiceDiscovery.class);
  /** How soon a call to an unknown method may trigger another refresh of the same backend. */
  private static final long ON_DEMAND_SPACING_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<Backend> backends;
  private final Duration timeout;
  private final RouteCatalog catalog;
  private final ProxyRegistry registry;
  private final Runnable onRoutesChanged;
  private final Executor executor;
  private final Map<Backend, Discovered> discovered = new HashMap<>();
  private final Map<Backend, Long> lastOnDemandNanos = new ConcurrentHashMap<>();

  /**
   * @param executor runs on-demand refreshes; a single thread, shared with the periodic work, so
   *     that refreshes never overlap
   */
  ServiceDiscovery(List<Backend> backends, Duration timeout, RouteCatalog catalog,
      ProxyRegistry registry, Runnable onRoutesChanged, Executor executor) {
    this.backends = List.copyOf(backends);
    this.timeout = timeout;
    this.catalog = catalog;
    this.registry = registry;
    this.onRoutesChanged = onRoutesChanged;
    this.executor = executor;
  }

  synchronized void refreshAll() {
    for (Backend backend : backends) {
      ask(backend);
    }
    publish();
  }

  synchronized void refresh(Backend backend) {
    ask(backend);
    publish();
  }

  /** From a call to a method the table does not know: refresh that backend soon, not on every such call. */
  void refreshSoon(Backend backend) {
    long now = System.nanoTime();
    Long last = lastOnDemandNanos.get(backend);
    if (last != null && now - last < ON_DEMAND_SPACING_NANOS) {
      return;
    }
    if (last == null ? lastOnDemandNanos.putIfAbsent(backend, now) == null
        : lastOnDemandNanos.replace(backend, last, now)) {
      try {
        executor.execute(() -> refresh(backend));
      } catch (RejectedExecutionException e) {
        // The gateway is stopping; the call itself is still forwarded.
      }
    }
  }

  private void ask(Backend backend) {
    try {
      Discovered found = ReflectionClient.discover(backend.channel(), timeout);
      Discovered before = discovered.put(backend, found);
      if (before == null || !before.services().equals(found.services())) {
        log.info("{} serves {}", backend, found.services());
      }
    } catch (StatusRuntimeException e) {
      // Keep what it said last time. A backend that is down is reported by health, not here; one
      // that is up but will not say what it serves is worth a warning.
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        log.debug("could not read the services of {}: {}", backend, e.getStatus());
      } else {
        log.warn("could not read the services of {} from its reflection ({}); serving what it said"
            + " before, or its compiled-in descriptors", backend, e.getStatus());
      }
    }
  }

  private void publish() {
    RouteTable current = registry.table();
    RouteTable next = catalog.build(Map.copyOf(discovered), current);
    if (next != current) {
      registry.publish(next);
      onRoutesChanged.run();
    }
  }
}
