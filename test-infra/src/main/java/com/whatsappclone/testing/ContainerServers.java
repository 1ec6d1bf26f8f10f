package com.whatsappclone.testing;

import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The {@code TESTCONTAINERS=true} path: the same servers as Docker containers. Kept apart so the
 * embedded path never touches Testcontainers classes. Needs a Docker engine (none on the dev box).
 */
final class ContainerServers {

  private ContainerServers() {}

  static PostgresServer startPostgres() {
    String image = TestEnv.getOrDefault(TestEnv.POSTGRES_IMAGE, "postgres:16-alpine");
    PostgreSQLContainer<?> container =
        new PostgreSQLContainer<>(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
            .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=500");
    container.start();
    return new PostgresServer("PostgreSQL container " + image, container.getJdbcUrl(),
        container.getUsername(), container.getPassword(), container::stop, false);
  }

  static KafkaServer startKafka() {
    String image = TestEnv.getOrDefault(TestEnv.KAFKA_IMAGE, "apache/kafka:4.1.1");
    KafkaContainer container =
        new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
            // Testcontainers already sets the single-node replication factors; this one it doesn't.
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    container.start();
    return new KafkaServer("Kafka container " + image, container.getBootstrapServers(),
        container::stop);
  }
}
