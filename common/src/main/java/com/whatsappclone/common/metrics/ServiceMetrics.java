package com.whatsappclone.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One service's metrics (issue 19): a Prometheus registry whose every series carries
 * {@code service="<name>"}. Made once in each service's wiring and handed, as a {@link
 * MeterRegistry}, to whatever counts something.
 */
public final class ServiceMetrics {

  private final String service;
  private final PrometheusMeterRegistry registry;

  private ServiceMetrics(String service, PrometheusMeterRegistry registry) {
    this.service = service;
    this.registry = registry;
  }

  public static ServiceMetrics create(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    return new ServiceMetrics(service, registry);
  }

  public String service() {
    return service;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The series in Prometheus' text format, as the metrics endpoint serves them. */
  public String scrape() {
    return registry.scrape();
  }

  PrometheusMeterRegistry prometheus() {
    return registry;
  }
}
