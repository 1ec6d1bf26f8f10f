package com.whatsappclone.testing;

/**
 * A real Kafka broker for tests, started once per JVM on first use and shared by every test class;
 * it stops when the JVM exits. Tests isolate by unique topic and group names
 * ({@link UniqueNames#of}), never by restarting the broker:
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)   // or @WithKafka
 * class WorkerTest {
 *   @Test void consumes(TestKafka kafka) { ... kafka.bootstrapServers() ... }
 *   // or, anywhere: KafkaExtension.bootstrapServers()
 * }
 * }</pre>
 *
 * <p>Which broker: {@code TEST_KAFKA_BROKERS} uses an existing one; {@code TESTCONTAINERS=true}
 * starts a Docker container; otherwise a single-node KRaft broker inside this JVM. The broker
 * auto-creates topics on first use, as a stock broker does; code under test should still create
 * its topics itself.
 */
public final class KafkaExtension extends SharedServerExtension<KafkaServer> {

  private static final SharedServer<KafkaServer> SERVER = new SharedServer<>("kafka", KafkaServer::start);

  /** JUnit creates it; the state is static, shared by every instance. */
  public KafkaExtension() {
    super(SERVER, TestKafka.class);
  }

  /** The shared broker's {@code bootstrap.servers}; starts it if needed. */
  public static String bootstrapServers() {
    return SERVER.get().bootstrapServers();
  }

  /** Which broker the tests use, for messages. */
  public static String serverDescription() {
    return SERVER.get().description();
  }

  @Override
  Object parameter(KafkaServer server) {
    return new TestKafka(server.bootstrapServers());
  }
}
