package com.whatsappclone.chat;

import java.util.Map;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A Kafka node of one test's own, which the test may stop and start again: the shared broker of
 * test-infra is never restarted. One KRaft node (controller and broker in one); only the broker
 * part stops, and it comes back on the same port (the test kit pre-binds its listener sockets),
 * so clients see an outage and a recovery, as with a real broker restart.
 */
// close() may be interrupted like any test code; nothing to handle there
@SuppressWarnings("try")
final class RestartableKafka implements AutoCloseable {

  /** The same single-node settings as test-infra's shared broker. */
  private static final Map<String, String> SINGLE_NODE_CONFIG = Map.of(
      "offsets.topic.replication.factor", "1",
      "offsets.topic.num.partitions", "1",
      "transaction.state.log.replication.factor", "1",
      "transaction.state.log.min.isr", "1",
      "transaction.state.log.num.partitions", "1",
      "group.initial.rebalance.delay.ms", "0");

  private final KafkaClusterTestKit cluster;

  private RestartableKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  static RestartableKafka start() throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumControllerNodes(1)
        .setNumBrokerNodes(1)
        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
        .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    SINGLE_NODE_CONFIG.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new RestartableKafka(cluster);
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  void stopBroker() {
    BrokerServer broker = broker();
    broker.shutdown();
    broker.awaitShutdown();
  }

  void startBroker() throws Exception {
    broker().startup();
    cluster.waitForReadyBrokers();
  }

  private BrokerServer broker() {
    return cluster.brokers().values().iterator().next();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
