package com.whatsappclone.common.config;

/** KAFKA_BROKERS: bootstrap servers, comma separated. */
public final class KafkaSettings {

  private KafkaSettings() {}

  /** The bootstrap servers, or "" with a recorded problem when KAFKA_BROKERS is missing. */
  public static String brokers(Settings settings) {
    String brokers = settings.required("KAFKA_BROKERS", "Kafka bootstrap servers, e.g. localhost:9092");
    for (String broker : brokers.split(",")) {
      String trimmed = broker.trim();
      if (!brokers.isEmpty() && !trimmed.matches("[^:\\s]+:\\d{1,5}")) {
        settings.reportProblem("KAFKA_BROKERS must be host:port[,host:port...] (got '" + trimmed + "')");
      }
    }
    return brokers;
  }
}
