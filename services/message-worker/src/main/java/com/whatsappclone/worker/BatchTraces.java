package com.whatsappclone.worker;

import com.whatsappclone.common.tracing.KafkaTraceHeaders;
import com.whatsappclone.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One CONSUMER span per message in a batch, child of the trace its record carries (chat's send
 * call), from the batch's start until its stored events are published; the stored event carries
 * that span on to realtime. Nothing at all when tracing is off.
 */
final class BatchTraces {

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
  private static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
  private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

  private static final BatchTraces NONE = new BatchTraces(List.of());

  private final List<Span> spans;

  private BatchTraces(List<Span> spans) {
    this.spans = spans;
  }

  /** A span for each record, in order. */
  static BatchTraces start(Tracing tracing, List<ConsumerRecord<String, byte[]>> records) {
    if (!tracing.enabled()) {
      return NONE;
    }
    List<Span> spans = new ArrayList<>(records.size());
    for (ConsumerRecord<String, byte[]> record : records) {
      spans.add(tracing.tracer().spanBuilder(record.topic() + " process")
          .setParent(KafkaTraceHeaders.extract(tracing, record.headers()))
          .setSpanKind(SpanKind.CONSUMER)
          .setAttribute(SYSTEM, "kafka")
          .setAttribute(DESTINATION, record.topic())
          .setAttribute(OPERATION, "process")
          .setAttribute(PARTITION, (long) record.partition())
          .setAttribute(OFFSET, record.offset())
          .setAttribute(BATCH_COUNT, (long) records.size())
          .startSpan());
    }
    return new BatchTraces(spans);
  }

  /** The i-th record's span as a context to send on; root when tracing is off. */
  Context context(int i) {
    return spans.isEmpty() ? Context.root() : Context.root().with(spans.get(i));
  }

  void end() {
    spans.forEach(Span::end);
  }
}
