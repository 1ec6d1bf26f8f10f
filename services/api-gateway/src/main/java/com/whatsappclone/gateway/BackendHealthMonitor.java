package com.whatsappclone.gateway;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each backend's grpc.health.v1 whether it serves, and reports on the gateway's own health
 * service: each routed service under its name (e.g. {@code chat.ChatService}) with the state of its
 * backend, and the gateway as a whole ({@code ""}) SERVING only while every backend is.
 *
 * <p>A backend that answers but has no health service counts as up: it is reachable, which is what
 * the gateway can know. One that says NOT_SERVING (e.g. it is shutting down) counts as down.
 */
final class BackendHealthMonitor {

  private static final Logger log = LoggerFactory.getLogger(BackendHealthMonitor.class);

  private final List<Backend> backends;
  private final HealthStatusManager health;
  private final Supplier<RouteTable> routes;
  private final Duration timeout;
  private final Map<Backend, Boolean> up = new ConcurrentHashMap<>();
  private final Set<String> published = ConcurrentHashMap.newKeySet();

  BackendHealthMonitor(List<Backend> backends, HealthStatusManager health, Supplier<RouteTable> routes, Duration timeout) {
    this.backends = List.copyOf(backends);
    this.health = health;
    this.routes = routes;
    this.timeout = timeout;
  }

  /** Checks every backend once and publishes the result; returns the backends that just came back. */
  synchronized List<Backend> checkAll() {
    List<Backend> recovered = new ArrayList<>();
    for (Backend backend : backends) {
      boolean nowUp = serving(backend);
      Boolean before = up.put(backend, nowUp);
      if (before == null || before != nowUp) {
        log.info("{} is {}", backend, nowUp ? "reachable" : "NOT reachable");
        if (nowUp && before != null) {
          recovered.add(backend);
        }
      }
    }
    publish();
    return recovered;
  }

  /** Publishes the last known states under the current routes (after a route change too). */
  synchronized void publish() {
    Set<String> names = new HashSet<>();
    routes.get().backendByService().forEach((service, backend) -> {
      names.add(service);
      health.setStatus(service, statusOf(backend));
    });
    for (String old : published) {
      if (!names.contains(old)) {
        health.clearStatus(old);
      }
    }
    published.clear();
    published.addAll(names);
    boolean allUp = backends.stream().allMatch(b -> Boolean.TRUE.equals(up.get(b)));
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
        allUp ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  private ServingStatus statusOf(Backend backend) {
    return Boolean.TRUE.equals(up.get(backend)) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  private boolean serving(Backend backend) {
    // A backend found down is retried now instead of after its channel's (growing) backoff.
    backend.reconnectIfFailing();
    try {
      ServingStatus status = HealthGrpc.newBlockingStub(backend.channel())
          .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
      return status == ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.UNIMPLEMENTED;
    }
  }
}
