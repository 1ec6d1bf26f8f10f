package com.whatsappclone.common.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C trace context in Kafka record headers ({@code traceparent}, UTF-8), as OpenTelemetry's Kafka
 * instrumentation writes it: a message's trace goes from chat's send through the worker's batch to
 * realtime's delivery.
 */
public final class KafkaTraceHeaders {

  private KafkaTraceHeaders() {}

  private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  };

  private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers headers) {
      List<String> keys = new ArrayList<>();
      for (Header header : headers) {
        keys.add(header.key());
      }
      return keys;
    }

    @Override
    public String get(Headers headers, String key) {
      if (headers == null) {
        return null;
      }
      Header header = headers.lastHeader(key);
      return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
  };

  /** Writes {@code context}'s trace into the headers; nothing when tracing is off. */
  public static void inject(Tracing tracing, Context context, Headers headers) {
    if (tracing.enabled()) {
      tracing.inject(context, headers, SETTER);
    }
  }

  /** The trace a record carries; the root context when none (or tracing is off). */
  public static Context extract(Tracing tracing, Headers headers) {
    return tracing.enabled() ? tracing.extract(headers, GETTER) : Context.root();
  }
}
