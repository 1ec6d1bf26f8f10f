package com.whatsappclone.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

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
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

  private static KafkaServer server;
  /** Set when the start failed: later classes fail at once with the same cause, not after a retry. */
  private static RuntimeException startFailure;

  /** JUnit creates it; the state is static, shared by every instance. */
  public KafkaExtension() {}

  /** The shared broker's {@code bootstrap.servers}; starts it if needed. */
  public static String bootstrapServers() {
    return server().bootstrapServers();
  }

  /** Which broker the tests use, for messages. */
  public static String serverDescription() {
    return server().description();
  }

  private static synchronized KafkaServer server() {
    if (startFailure != null) {
      throw new IllegalStateException("the shared server failed to start earlier in this JVM: "
          + startFailure.getMessage(), startFailure);
    }
    if (server == null) {
      KafkaServer started;
      try {
        started = KafkaServer.start();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
      Shutdown.onExit("kafka", started);
      server = started;
    }
    return server;
  }

  /** Starts the broker before the class's first test, so its start-up isn't charged to one test. */
  @Override
  public void beforeAll(ExtensionContext context) {
    server();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == TestKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return new TestKafka(bootstrapServers());
  }
}
