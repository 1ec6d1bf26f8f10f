package com.whatsappclone.common.kafka;

import java.time.Duration;

/**
 * Bounds on how long a producer may block or retry, so a broker outage surfaces as an error within
 * seconds rather than a hung request. Kafka's own defaults are 60 s / 30 s / 120 s.
 *
 * @param maxBlock {@code max.block.ms}: how long {@code send()} waits for metadata or buffer space
 * @param request  {@code request.timeout.ms}: how long one request waits for the broker's answer
 * @param delivery {@code delivery.timeout.ms}: the whole budget of a record, retries included;
 *                 Kafka requires it to be at least {@code request} plus {@code linger.ms}
 */
public record ProducerTimeouts(Duration maxBlock, Duration request, Duration delivery) {

  public static final ProducerTimeouts DEFAULTS =
      new ProducerTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10));

  public ProducerTimeouts {
    requirePositive("maxBlock", maxBlock);
    requirePositive("request", request);
    requirePositive("delivery", delivery);
    // KafkaProducer would reject this too, but with a message about config keys, at construction.
    if (delivery.compareTo(request.plus(KafkaFactories.LINGER)) < 0) {
      throw new IllegalArgumentException("producer delivery timeout (" + delivery
          + ") must be at least request timeout (" + request + ") + linger (" + KafkaFactories.LINGER + ")");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("producer " + name + " timeout must be positive, got " + value);
    }
  }
}
