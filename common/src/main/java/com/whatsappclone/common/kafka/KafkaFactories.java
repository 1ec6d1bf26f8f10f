package com.whatsappclone.common.kafka;

import com.whatsappclone.common.metrics.ServiceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes the project's Kafka clients with one set of safe settings: idempotent producers that wait
 * for every in-sync replica and fail within seconds when the broker is gone; consumers that commit
 * only what the code says it has processed. Keys are strings (conversation or user ids), values
 * bytes (protobuf).
 *
 * <p>Made with the service's {@link ServiceMetrics}, every producer and consumer it makes reports
 * its client metrics there until closed (consumer lag per partition:
 * {@code kafka_consumer_fetch_manager_records_lag{topic,partition}}); admin clients do not.
 */
public final class KafkaFactories {

  /** {@code linger.ms}: a few ms of batching costs little latency and saves many requests. */
  static final Duration LINGER = Duration.ofMillis(5);

  /**
   * {@code session.timeout.ms} of group consumers: a member that stops heartbeating (killed, host
   * gone) loses its partitions after this, instead of Kafka's default 45 s, during which its
   * partitions are read by nobody. 6 s is the smallest a stock broker accepts
   * ({@code group.min.session.timeout.ms}); heartbeats go every third of it, so two lost ones are
   * survived. The classic protocol because its session timeout is the client's to choose: under
   * {@code group.protocol=consumer} (KIP-848) it is the broker's, 45 s unless every broker is
   * configured otherwise. Measured numbers: configs/README.md, "Message worker".
   */
  public static final Duration GROUP_SESSION_TIMEOUT = Duration.ofSeconds(6);

  /** Admin calls at start-up ({@link Topics#ensure}) give up after this. */
  public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrapServers;
  private final String clientIdPrefix;
  private final AtomicInteger clientCounter = new AtomicInteger();
  private final Optional<MeterRegistry> metrics;

  /**
   * @param bootstrapServers comma separated {@code host:port} list (KAFKA_BROKERS)
   * @param clientIdPrefix   names this service's clients in broker logs and metrics, e.g. "chat"
   */
  /**
   * Consumer overrides for the message path (the worker, realtime's readers): the broker answers a
   * fetch once 64 KiB are there or 5 ms have passed. At low rates that turns a fetch (and, in the
   * worker, a database transaction) per record into one per few records, for 5 ms of latency;
   * under load fetches fill up anyway.
   */
  public static final Map<String, Object> BATCHING_FETCH = Map.of(
      ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024,
      ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);

  /** The service's name its clients (and threads reading for it) carry, e.g. "chat". */
  public String clientIdPrefix() {
    return clientIdPrefix;
  }

  public KafkaFactories(String bootstrapServers, String clientIdPrefix) {
    this(bootstrapServers, clientIdPrefix, Optional.empty());
  }

  /** As {@link #KafkaFactories(String, String)}, its clients measured into {@code metrics} (unless off). */
  public KafkaFactories(String bootstrapServers, String clientIdPrefix, ServiceMetrics metrics) {
    this(bootstrapServers, clientIdPrefix, metrics.binderRegistry());
  }

  private KafkaFactories(String bootstrapServers, String clientIdPrefix, Optional<MeterRegistry> metrics) {
    this.metrics = metrics;
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("Kafka bootstrap servers (KAFKA_BROKERS) are empty");
    }
    if (clientIdPrefix == null || clientIdPrefix.isBlank()) {
      throw new IllegalArgumentException("Kafka client id prefix is empty");
    }
    this.bootstrapServers = bootstrapServers.trim();
    this.clientIdPrefix = clientIdPrefix.trim();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** String key, byte[] value, {@link ProducerTimeouts#DEFAULTS}. */
  public Producer<String, byte[]> newProducer() {
    return newProducer(ProducerTimeouts.DEFAULTS);
  }

  public Producer<String, byte[]> newProducer(ProducerTimeouts timeouts) {
    return newProducer(new StringSerializer(), new ByteArraySerializer(), timeouts, Map.of());
  }

  /**
   * The general form.
   *
   * @param overrides extra or different producer settings, applied last (e.g. {@code
   *                  compression.type}); changing acks or idempotence here is on the caller
   */
  public <K, V> Producer<K, V> newProducer(Serializer<K> keySerializer,
      Serializer<V> valueSerializer, ProducerTimeouts timeouts, Map<String, Object> overrides) {
    Map<String, Object> props = producerConfig(timeouts);
    props.putAll(overrides);
    return metrics.<Producer<K, V>>map(registry -> new MeteredProducer<>(props, keySerializer, valueSerializer, registry))
        .orElseGet(() -> new KafkaProducer<>(props, keySerializer, valueSerializer));
  }

  /** String key, byte[] value, manual commits, reading from the earliest uncommitted record. */
  public Consumer<String, byte[]> newConsumer(String groupId) {
    return newConsumer(groupId, new StringDeserializer(), new ByteArrayDeserializer(), Map.of());
  }

  /**
   * The general form.
   *
   * @param overrides extra or different consumer settings, applied last (e.g. {@code
   *                  max.poll.records})
   */
  public <K, V> Consumer<K, V> newConsumer(String groupId, Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer, Map<String, Object> overrides) {
    Map<String, Object> props = consumerConfig(groupId);
    props.putAll(overrides);
    return metrics.<Consumer<K, V>>map(registry -> new MeteredConsumer<>(props, keyDeserializer, valueDeserializer, registry))
        .orElseGet(() -> new KafkaConsumer<>(props, keyDeserializer, valueDeserializer));
  }

  /** The settings {@link #newProducer} uses (a new mutable map, with a fresh client id). */
  public Map<String, Object> producerConfig(ProducerTimeouts timeouts) {
    Map<String, Object> props = common("producer");
    // Idempotence + acks=all: a retried send is written once, and a written record survives the
    // loss of the leader. Retries are bounded by delivery.timeout.ms, not by a count.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // 5 is the most in-flight requests for which idempotence still keeps a partition in order.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.LINGER_MS_CONFIG, (int) LINGER.toMillis());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeouts.maxBlock().toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeouts.request().toMillis());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeouts.delivery().toMillis());
    return props;
  }

  /** The settings {@link #newConsumer} uses (a new mutable map, with a fresh client id). */
  public Map<String, Object> consumerConfig(String groupId) {
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("Kafka consumer group id is empty");
    }
    Map<String, Object> props = common("consumer-" + groupId);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // The code commits after it has processed a record: a crash re-delivers, never loses.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A new group starts at the beginning, so records written before its first start are handled.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Never see records of aborted transactions, should a producer ever use them.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) GROUP_SESSION_TIMEOUT.toMillis());
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) GROUP_SESSION_TIMEOUT.toMillis() / 3);
    return props;
  }

  /** An admin client whose calls fail after {@link #ADMIN_TIMEOUT} when the broker is gone. */
  public Admin newAdmin() {
    Map<String, Object> props = common("admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return Admin.create(props);
  }

  private Map<String, Object> common(String role) {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // Unique per client: Kafka registers metrics (JMX) by client id and warns on duplicates.
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG,
        clientIdPrefix + "-" + role + "-" + clientCounter.incrementAndGet());
    return props;
  }
}
