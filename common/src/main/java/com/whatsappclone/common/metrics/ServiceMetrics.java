package com.whatsappclone.common.metrics;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannelBuilder;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.tracing.Tracing;
import com.whatsappclone.common.tracing.TracingSettings;
import com.whatsappclone.common.tracing.TracingClientInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingClientInterceptor;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/**
 * One service's metrics (issue 19): a Prometheus registry whose every series carries
 * {@code service="<name>"}. Made once in each service's wiring and handed, as a {@link
 * MeterRegistry}, to whatever counts something; its {@link MetricsSettings} say where the service
 * serves it ({@link MetricsServer}) and whether the libraries' binders (JVM, pools, Kafka clients,
 * gRPC calls) are bound at all.
 */
public final class ServiceMetrics {

  /**
   * Micrometer's gRPC binders tag each call with {@code service} (the gRPC service, e.g.
   * {@code whatsapp.chat.v1.ChatService}), which would replace the common tag naming this service;
   * theirs is renamed to this one.
   */
  public static final String GRPC_SERVICE_TAG = "grpc.service";

  private final String service;
  private final MetricsSettings settings;
  private final PrometheusMeterRegistry registry;
  private final ClientInterceptor clientCalls;
  private final Tracing tracing;

  private ServiceMetrics(String service, MetricsSettings settings, PrometheusMeterRegistry registry,
      Tracing tracing) {
    this.service = service;
    this.settings = settings;
    this.registry = registry;
    this.clientCalls = settings.enabled() ? new MetricCollectingClientInterceptor(registry) : null;
    this.tracing = tracing;
  }

  /**
   * The same registry, with the service's tracer: what a service is observed through travels as
   * one handle, so every part that counts can also trace. {@link Tracing#off()} by default.
   */
  public ServiceMetrics withTracing(Tracing tracing) {
    return new ServiceMetrics(service, settings, registry, tracing);
  }

  public Tracing tracing() {
    return tracing;
  }

  /**
   * A service's metrics and traces as its settings say: the metrics port from {@code portSetting}
   * (MetricsSettings), tracing from the {@code OTEL_*} settings (TracingSettings); a bad value is
   * recorded for {@link Settings#check()}.
   */
  public static ServiceMetrics fromSettings(Settings settings, String service, String portSetting,
      int defaultPort) {
    return create(service, MetricsSettings.from(settings, portSetting, defaultPort))
        .withTracing(Tracing.from(TracingSettings.from(settings, service)));
  }

  /** Metrics on, served on any free port ({@link MetricsSettings#anyFreePort()}). */
  public static ServiceMetrics create(String service) {
    return create(service, MetricsSettings.anyFreePort());
  }

  public static ServiceMetrics create(String service, MetricsSettings settings) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Before the common tags: a filter sees the tags the filters before it left.
    registry.config().meterFilter(MeterFilter.renameTag("grpc", "service", GRPC_SERVICE_TAG));
    // Buckets for the gRPC call timers, so that the dashboard's p50/p99 per method exist.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().startsWith("grpc.") && id.getType() == Meter.Type.TIMER) {
          return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
        }
        return config;
      }
    });
    registry.config().commonTags("service", service);
    return new ServiceMetrics(service, settings, registry, Tracing.off());
  }

  public String service() {
    return service;
  }

  public MetricsSettings settings() {
    return settings;
  }

  /** Whether the endpoint is served and the binders bound (METRICS_ENABLED). */
  public boolean enabled() {
    return settings.enabled();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The registry for a library's binder (pool, Kafka client), none when metrics are off. */
  public Optional<MeterRegistry> binderRegistry() {
    return settings.enabled() ? Optional.of(registry) : Optional.empty();
  }

  /**
   * Counts and times the calls made on channels built by {@code channel} (per method and status:
   * {@code grpc_client_processing_duration_seconds}) and sends the current trace with them;
   * each only when on.
   */
  public <T extends ManagedChannelBuilder<T>> T instrument(T channel) {
    T built = clientCalls == null ? channel : channel.intercept(clientCalls);
    return tracing.enabled() ? built.intercept(new TracingClientInterceptor(tracing)) : built;
  }

  /** Times a server's calls per method and status; none when metrics are off. */
  public Optional<MetricCollectingServerInterceptor> serverCalls() {
    return settings.enabled() ? Optional.of(new MetricCollectingServerInterceptor(registry)) : Optional.empty();
  }

  /** The series in Prometheus' text format, as the metrics endpoint serves them. */
  public String scrape() {
    return registry.scrape();
  }

  PrometheusMeterRegistry prometheus() {
    return registry;
  }
}
