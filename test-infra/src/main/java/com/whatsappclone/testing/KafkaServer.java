package com.whatsappclone.testing;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kafka broker: an in-JVM KRaft node (default), external ({@code TEST_KAFKA_BROKERS})
 * or a Testcontainers container ({@code TESTCONTAINERS=true}).
 */
final class KafkaServer implements Stoppable {

  private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);

  /**
   * Broker settings for a single node. Kafka's defaults assume three brokers: with them the
   * internal topics can never be created, so consumer groups never find a coordinator and
   * transactions never start.
   */
  static final Map<String, String> SINGLE_NODE_CONFIG = Map.of(
      "offsets.topic.replication.factor", "1",
      // 50 partitions by default: creating them costs seconds on the first group join.
      "offsets.topic.num.partitions", "1",
      "transaction.state.log.replication.factor", "1",
      "transaction.state.log.min.isr", "1",
      "transaction.state.log.num.partitions", "1",
      // The default 3 s wait for more members makes every first group join 3 s slower.
      "group.initial.rebalance.delay.ms", "0");

  private final String description;
  private final String bootstrapServers;
  private final Stoppable owner;

  KafkaServer(String description, String bootstrapServers, Stoppable owner) {
    this.description = description;
    this.bootstrapServers = bootstrapServers;
    this.owner = owner;
  }

  static KafkaServer start() {
    String external = TestEnv.get(TestEnv.KAFKA_BROKERS);
    if (external != null) {
      return new KafkaServer("external Kafka " + external, external, () -> { });
    }
    if (TestEnv.useTestcontainers()) {
      return ContainerServers.startKafka();
    }
    return embedded();
  }

  private static KafkaServer embedded() {
    keepKafkaFromEndingTheTestJvm();
    long started = System.nanoTime();
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
          .setCombined(true) // one process is both KRaft controller and broker
          .setNumControllerNodes(1)
          .setNumBrokerNodes(1);
      useProductionMetadataVersion(nodesBuilder);
      TestKitNodes nodes = nodesBuilder.build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      SINGLE_NODE_CONFIG.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeAfterFailure(cluster, e);
      throw new IllegalStateException("embedded Kafka broker did not start (set "
          + TestEnv.KAFKA_BROKERS + " to use an existing broker instead): " + e, e);
    }
    String bootstrap = cluster.bootstrapServers();
    log.info("embedded Kafka broker started at {} in {} ms", bootstrap,
        (System.nanoTime() - started) / 1_000_000);
    return new KafkaServer("embedded Kafka at " + bootstrap, bootstrap, cluster::close);
  }

  /**
   * The test kit defaults to Kafka's newest metadata version, which is still unstable (4.2 in Kafka
   * 4.1.1); a real broker of this version formats with the newest production one. Reflection
   * because MetadataVersion is only a runtime dependency of the test kit, not one we compile with.
   */
  private static void useProductionMetadataVersion(TestKitNodes.Builder nodes)
      throws ReflectiveOperationException {
    Class<?> metadataVersion = Class.forName("org.apache.kafka.server.common.MetadataVersion");
    Object latestProduction = metadataVersion.getMethod("latestProduction").invoke(null);
    TestKitNodes.Builder.class.getMethod("setBootstrapMetadataVersion", metadataVersion)
        .invoke(nodes, latestProduction);
  }

  /**
   * The embedded broker and controller run in the test JVM. Kafka's servers answer a fatal error
   * (also one met while they shut down, in the JVM's shutdown hook after the last test) with
   * {@code Exit.halt(1)} or {@code Exit.exit(1)}, which ends the test JVM with a non-zero code even
   * though every test passed; surefire then fails the module ("Error occurred in starting fork").
   * As Kafka's own tests do, the procedures are replaced: the error is printed and the calling
   * thread stops with an exception instead of the JVM.
   */
  private static void keepKafkaFromEndingTheTestJvm() {
    Exit.setExitProcedure((status, message) -> {
      throw refusedExit("exit", status, message);
    });
    Exit.setHaltProcedure((status, message) -> {
      throw refusedExit("halt", status, message);
    });
  }

  private static IllegalStateException refusedExit(String how, int status, String message) {
    // Logging may already be shut down (in a shutdown hook); stderr always works and surefire keeps it.
    System.err.println("test-infra: the embedded Kafka asked the JVM to " + how + "(" + status + "): " + message);
    return new IllegalStateException("embedded Kafka asked the JVM to " + how + "(" + status + "): " + message);
  }

  private static void closeAfterFailure(KafkaClusterTestKit cluster, Exception cause) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }

  String description() {
    return description;
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void stop() throws Exception {
    owner.stop();
  }
}
