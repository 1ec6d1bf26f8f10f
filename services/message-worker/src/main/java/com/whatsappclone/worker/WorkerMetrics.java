package com.whatsappclone.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the consumer loop counts (issue 19): messages stored, how long after chat accepted them,
 * and dead letters by why. Meters are made once; the reasons are a fixed set.
 */
final class WorkerMetrics {

  /** The {@code reason} tag of {@code messages.dead_lettered}. */
  static final String INVALID = "invalid";
  static final String UNKNOWN_CONVERSATION = "unknown_conversation";
  static final String UNKNOWN_SENDER = "unknown_sender";
  static final String CLIENT_MESSAGE_ID_TAKEN = "client_message_id_taken";
  static final String DATABASE_REFUSED = "database_refused";

  private final Clock clock;
  private final Counter stored;
  private final Timer storedLatency;
  private final Map<String, Counter> deadLettered;

  WorkerMetrics(MeterRegistry metrics, Clock clock) {
    this.clock = clock;
    this.stored = Counter.builder("messages.stored").description("Messages stored (first time only)")
        .register(metrics);
    this.storedLatency = Timer.builder("messages.stored.latency")
        .description("From chat accepting a message (its created_at) to the worker's commit")
        .publishPercentileHistogram()
        .register(metrics);
    this.deadLettered = Map.of(
        INVALID, deadLettered(metrics, INVALID),
        UNKNOWN_CONVERSATION, deadLettered(metrics, UNKNOWN_CONVERSATION),
        UNKNOWN_SENDER, deadLettered(metrics, UNKNOWN_SENDER),
        CLIENT_MESSAGE_ID_TAKEN, deadLettered(metrics, CLIENT_MESSAGE_ID_TAKEN),
        DATABASE_REFUSED, deadLettered(metrics, DATABASE_REFUSED));
  }

  private static Counter deadLettered(MeterRegistry metrics, String reason) {
    return Counter.builder("messages.dead_lettered").description("Records sent to the dead-letter topic")
        .tag("reason", reason).register(metrics);
  }

  /** The batch holding a message created at {@code createdAtMicros} was committed just now. */
  void stored(long createdAtMicros, Instant committedAt) {
    stored.increment();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, committedAt) - createdAtMicros;
    // Another host's clock may be ahead: counted as no wait rather than dropped from the timer.
    storedLatency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
  }

  Instant now() {
    return clock.instant();
  }

  void deadLettered(String reason) {
    deadLettered.get(reason).increment();
  }
}
