package com.whatsappclone.common.tracing;

import com.whatsappclone.common.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a service sends its traces (issue 19), under OpenTelemetry's own setting names so that an
 * operator's collector configuration carries over.
 *
 * @param endpoint      OTEL_EXPORTER_OTLP_ENDPOINT, the collector's OTLP/HTTP base URL (e.g.
 *                      {@code http://otel-collector:4318}); spans go to {@code /v1/traces} below it.
 *                      Unset: tracing is off and costs nothing (no spans, no headers)
 * @param serviceName   OTEL_SERVICE_NAME, else the service's own name
 * @param samplerRatio  OTEL_TRACES_SAMPLER_ARG, the share of new traces recorded (0 to 1, default
 *                      1); a call that arrives with a sampled {@code traceparent} is always recorded
 * @param scheduleDelay OTEL_BSP_SCHEDULE_DELAY, how long finished spans wait to be sent in a batch
 */
public record TracingSettings(Optional<URI> endpoint, String serviceName, double samplerRatio,
    Duration scheduleDelay) {

  public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
  public static final String SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";
  public static final String SCHEDULE_DELAY = "OTEL_BSP_SCHEDULE_DELAY";

  static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(5);

  /** Reads the settings; a bad value is recorded for {@link Settings#check()}. */
  public static TracingSettings from(Settings settings, String service) {
    Optional<URI> endpoint = settings.optional(ENDPOINT).filter(s -> !s.isBlank()).flatMap(value -> {
      try {
        URI uri = URI.create(value.trim());
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
          return Optional.of(uri);
        }
      } catch (IllegalArgumentException e) {
        // reported below, with the setting's name
      }
      settings.reportProblem(ENDPOINT + " must be an http:// or https:// URL of an OTLP/HTTP"
          + " collector, e.g. http://otel-collector:4318, not '" + value + "'");
      return Optional.empty();
    });
    double ratio = 1.0;
    Optional<String> ratioValue = settings.optional(SAMPLER_ARG).filter(s -> !s.isBlank());
    if (ratioValue.isPresent()) {
      try {
        ratio = Double.parseDouble(ratioValue.get().trim());
      } catch (NumberFormatException e) {
        ratio = Double.NaN;
      }
      if (!(ratio >= 0 && ratio <= 1)) {
        settings.reportProblem(SAMPLER_ARG + " must be a number from 0 to 1, not '" + ratioValue.get() + "'");
        ratio = 1.0;
      }
    }
    return new TracingSettings(endpoint, settings.string(SERVICE_NAME, service), ratio,
        settings.positive(SCHEDULE_DELAY, DEFAULT_SCHEDULE_DELAY));
  }

  /** Off (no endpoint). */
  public static TracingSettings off(String service) {
    return new TracingSettings(Optional.empty(), service, 1.0, DEFAULT_SCHEDULE_DELAY);
  }
}
