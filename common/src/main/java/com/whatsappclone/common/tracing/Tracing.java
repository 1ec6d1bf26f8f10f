package com.whatsappclone.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's OpenTelemetry tracer (issue 19): W3C trace context in, spans out over OTLP/HTTP.
 * Off unless {@link TracingSettings#ENDPOINT} is set; off, {@link #enabled()} is false and callers
 * add no interceptor and write no header, so tracing costs nothing.
 *
 * <p>One per service instance, passed in (never the global OpenTelemetry): services sharing a JVM,
 * as in the local stack, each name themselves.
 */
public final class Tracing implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Tracing.class);
  private static final String INSTRUMENTATION_SCOPE = "com.whatsappclone";
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final OpenTelemetry openTelemetry;
  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(OpenTelemetry openTelemetry, SdkTracerProvider provider) {
    this.openTelemetry = openTelemetry;
    this.provider = provider;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
  }

  /** Tracing as the settings say: OTLP/HTTP to the endpoint in batches, or off. */
  public static Tracing from(TracingSettings settings) {
    if (settings.endpoint().isEmpty()) {
      return off();
    }
    String base = settings.endpoint().get().toString().replaceAll("/+$", "");
    SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
    log.info("tracing: on, spans of {} to {}/v1/traces (sampling {} of new traces)",
        settings.serviceName(), base, settings.samplerRatio());
    return create(settings.serviceName(), BatchSpanProcessor.builder(exporter)
        .setScheduleDelay(settings.scheduleDelay().toMillis(), TimeUnit.MILLISECONDS).build(),
        Sampler.parentBased(Sampler.traceIdRatioBased(settings.samplerRatio())));
  }

  /** Every span to {@code exporter} as it ends (tests, with an in-memory exporter). */
  public static Tracing exportingTo(String serviceName, SpanExporter exporter) {
    return create(serviceName, SimpleSpanProcessor.create(exporter), Sampler.parentBased(Sampler.alwaysOn()));
  }

  /** No spans, no propagation. */
  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop(), null);
  }

  private static Tracing create(String serviceName, SpanProcessor processor, Sampler sampler) {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
        .setSampler(sampler)
        .addSpanProcessor(processor)
        .build();
    OpenTelemetry sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    return new Tracing(sdk, provider);
  }

  public boolean enabled() {
    return provider != null;
  }

  public Tracer tracer() {
    return tracer;
  }

  /** Writes {@code context}'s trace into a carrier (gRPC metadata, Kafka headers). */
  public <C> void inject(Context context, C carrier, io.opentelemetry.context.propagation.TextMapSetter<C> setter) {
    openTelemetry.getPropagators().getTextMapPropagator().inject(context, carrier, setter);
  }

  /** The trace a carrier names, as the parent of the spans started under it; root when none. */
  public <C> Context extract(C carrier, io.opentelemetry.context.propagation.TextMapGetter<C> getter) {
    return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), carrier, getter);
  }

  /** Sends what is still waiting and stops. */
  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
