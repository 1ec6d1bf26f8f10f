package com.whatsappclone.realtime;

import com.whatsappclone.common.policy.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What realtime counts (issue 19): message frames handed to devices and how long after chat
 * accepted them, catch-up sizes, frames refused by why, receipts written, and handshakes refused
 * by the rate limit. Meters are made once here; counting is a field or array read.
 */
final class RealtimeMetrics {

  /** Why a client frame was refused or a connection closed for one: {@code realtime.frames.refused{reason}}. */
  enum Refusal {
    /** Not a ClientEvent (undecodable, too deeply nested, no known event). */
    MALFORMED,
    /** Over {@link RealtimeSettings#MAX_FRAME_BYTES}: the WebSocket closed with 1009. */
    TOO_LARGE,
    /** The connection's inbox is full. */
    TOO_MANY_PENDING_FRAMES,
    /** The worker pool is saturated. */
    SERVER_BUSY,
    /** The connection has too many distinct receipts waiting for the writer. */
    TOO_MANY_PENDING_RECEIPTS,
    /** The receipt writer's queue (all connections) is full. */
    RECEIPT_QUEUE_FULL;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private final Clock clock;
  private final Counter deliveredLive;
  private final Counter deliveredCatchUp;
  private final Timer deliveredLatency;
  private final DistributionSummary catchUpSize;
  private final Counter[] refused;
  private final Counter receiptsDelivered;
  private final Counter receiptsRead;
  private final Counter handshakesRefused;
  private final Counter handshakesRefusedBusy;
  private final MeterRegistry registry;

  RealtimeMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.deliveredLive = delivered(registry, "live");
    this.deliveredCatchUp = delivered(registry, "catchup");
    this.deliveredLatency = Timer.builder("messages.delivered.latency")
        .description("From chat accepting a message (its created_at) to its frame handed to a live device's transport")
        .publishPercentileHistogram()
        .register(registry);
    this.catchUpSize = DistributionSummary.builder("realtime.catchup.size")
        .description("Messages sent in one connection's catch-up").baseUnit("messages")
        .register(registry);
    this.refused = new Counter[Refusal.values().length];
    for (Refusal reason : Refusal.values()) {
      refused[reason.ordinal()] = Counter.builder("realtime.frames.refused")
          .description("Client frames refused, or connections closed for a frame, by why")
          .tag("reason", reason.tag).register(registry);
    }
    this.receiptsDelivered = receipts(registry, "delivered");
    this.receiptsRead = receipts(registry, "read");
    this.handshakesRefused = Counter.builder("ratelimit.refused").description("Calls refused for a rate limit")
        .tag("limit", RateLimits.WEBSOCKET_HANDSHAKES_PER_ADDRESS.name()).register(registry);
    this.handshakesRefusedBusy = Counter.builder("realtime.handshakes.busy")
        .description("WebSocket handshakes refused with 503 because the worker pool was backed up")
        .register(registry);
  }

  private static Counter delivered(MeterRegistry registry, String path) {
    return Counter.builder("messages.delivered").description("Message frames handed to a device's transport")
        .tag("path", path).register(registry);
  }

  private static Counter receipts(MeterRegistry registry, String kind) {
    return Counter.builder("realtime.receipts").description("Acks and read receipts written")
        .tag("kind", kind).register(registry);
  }

  /** For {@link ConnectionRegistry}'s gauges. */
  MeterRegistry registry() {
    return registry;
  }

  /** A live message's frame went to the transport; {@code createdAtMicros} is chat's accept time. */
  void deliveredLive(long createdAtMicros) {
    deliveredLive.increment();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()) - createdAtMicros;
    // Another host's clock may be ahead: counted as no wait rather than left out.
    deliveredLatency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
  }

  void deliveredCaughtUp() {
    deliveredCatchUp.increment();
  }

  void caughtUp(int messages) {
    catchUpSize.record(messages);
  }

  void refused(Refusal reason) {
    refused[reason.ordinal()].increment();
  }

  void receiptWritten(MessageStatusStore.ReceiptKind kind) {
    (kind == MessageStatusStore.ReceiptKind.READ ? receiptsRead : receiptsDelivered).increment();
  }

  void handshakeRateLimited() {
    handshakesRefused.increment();
  }

  void handshakeRefusedBusy() {
    handshakesRefusedBusy.increment();
  }
}
