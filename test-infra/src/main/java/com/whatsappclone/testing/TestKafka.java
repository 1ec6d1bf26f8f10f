package com.whatsappclone.testing;

/**
 * The shared Kafka broker as a test sees it (see {@link KafkaExtension}).
 *
 * @param bootstrapServers comma separated {@code host:port} list for the clients' {@code bootstrap.servers}
 */
public record TestKafka(String bootstrapServers) {}
