package com.whatsappclone.realtime;

import com.whatsappclone.common.tracing.KafkaTraceHeaders;
import com.whatsappclone.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A CONSUMER span around each stored message handed to the connected devices, child of the trace
 * the worker's record carries (so one message's trace runs from the sender's call to here).
 * Off: the handler itself, unwrapped.
 */
final class DeliveryTraces {

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");

  private DeliveryTraces() {}

  static Consumer<ConsumerRecord<String, byte[]>> around(Tracing tracing,
      Consumer<ConsumerRecord<String, byte[]>> deliver) {
    if (!tracing.enabled()) {
      return deliver;
    }
    return record -> {
      Span span = tracing.tracer().spanBuilder(record.topic() + " deliver")
          .setParent(KafkaTraceHeaders.extract(tracing, record.headers()))
          .setSpanKind(SpanKind.CONSUMER)
          .setAttribute(SYSTEM, "kafka")
          .setAttribute(DESTINATION, record.topic())
          .setAttribute(OPERATION, "process")
          .startSpan();
      try (Scope ignored = span.makeCurrent()) {
        deliver.accept(record);
      } finally {
        span.end();
      }
    };
  }
}
