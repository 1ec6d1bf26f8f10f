package com.whatsappclone.realtime;

import com.whatsappclone.common.config.ConnectionLimits;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.kafka.MessagingTopics;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.common.net.TrustedProxies;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.Optional;

/**
 * Every setting the realtime service reads besides the database, Kafka and JWT ones.
 *
 * @param grpcPort              REALTIME_SERVICE_GRPC_PORT
 * @param webSocketPort         REALTIME_SERVICE_WS_PORT (0: any free port, tests)
 * @param grpcBindHost          GRPC_BIND_HOST: one address instead of all interfaces (tests: 127.0.0.1)
 * @param webSocketBindHost     REALTIME_WS_BIND_HOST, defaults to GRPC_BIND_HOST
 * @param tls                   TLS_CERT_FILE / TLS_KEY_FILE: both the WebSocket endpoint (wss) and
 *                              the gRPC server serve TLS; plaintext without them
 * @param drainTimeout          GRPC_DRAIN_TIMEOUT: Connect streams never end by themselves, so
 *                              the default is shorter than the other services'
 * @param pingInterval          REALTIME_WS_PING_INTERVAL: idle WebSocket connections are pinged
 *                              this often and closed when no pong came for 1.5 times as long
 * @param webSocketSendBuffer   REALTIME_WS_SEND_BUFFER: SO_SNDBUF of each WebSocket connection in
 *                              bytes, 0 for the operating system's default (which grows to MBs)
 * @param outboundQueueLimit    REALTIME_OUTBOUND_QUEUE_LIMIT: events waiting for a slow client
 *                              before its connection is closed
 * @param inboundPendingLimit   REALTIME_INBOUND_PENDING_LIMIT: client frames of one connection
 *                              waiting to be processed before further ones are refused
 * @param workerThreads         REALTIME_WORKER_THREADS: threads doing JDBC and Kafka work
 * @param workerQueue           REALTIME_WORKER_QUEUE: tasks waiting for those threads
 * @param catchUpPageSize       REALTIME_CATCHUP_PAGE_SIZE: undelivered messages read per query
 * @param participantCacheSize  REALTIME_PARTICIPANT_CACHE_SIZE: conversations whose members are cached
 * @param participantCacheTtl   REALTIME_PARTICIPANT_CACHE_TTL: how long a cached member list is trusted
 * @param presenceHeartbeat     REALTIME_PRESENCE_HEARTBEAT: how often an instance confirms its
 *                              connections in realtime_connections
 * @param topicPrefix           KAFKA_TOPIC_PREFIX: deployment-wide prefix of every topic name,
 *                              as chat and the message worker use it (default none)
 * @param topicPartitions       KAFKA_TOPIC_PARTITIONS: partitions of topics this service creates
 * @param replicationFactor     KAFKA_TOPIC_REPLICATION_FACTOR: replicas of topics this service creates
 * @param connectionLimits      MAX_CONNECTIONS_PER_USER / MAX_CONNECTIONS_PER_ADDRESS, for both doors
 * @param webSocketProxies      REALTIME_WS_TRUSTED_PROXIES: proxies in front of the WebSocket
 *                              endpoint whose X-Forwarded-For names the client (default none)
 */
public record RealtimeSettings(
    int grpcPort,
    int webSocketPort,
    Optional<String> grpcBindHost,
    Optional<String> webSocketBindHost,
    TlsSettings tls,
    Duration drainTimeout,
    Duration pingInterval,
    int webSocketSendBuffer,
    int outboundQueueLimit,
    int inboundPendingLimit,
    int workerThreads,
    int workerQueue,
    int catchUpPageSize,
    int participantCacheSize,
    Duration participantCacheTtl,
    Duration presenceHeartbeat,
    String topicPrefix,
    int topicPartitions,
    short replicationFactor,
    ConnectionLimits connectionLimits,
    TrustedProxies webSocketProxies) {

  /** Frames larger than this close the WebSocket connection with 1009 (docs/API.md, "WebSocket"). */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  /** The stored-messages topic, behind the prefix. */
  public String storedTopic() {
    return topics().stored();
  }

  /** The realtime events topic, behind the prefix. */
  public String realtimeEventsTopic() {
    return topics().realtimeEvents();
  }

  /** Every topic of the system, behind the prefix, for {@code Topics.ensure}. */
  public List<NewTopic> allTopics() {
    return topics().all(topicPartitions, replicationFactor);
  }

  private MessagingTopics topics() {
    return MessagingTopics.withPrefix(topicPrefix);
  }

  public static RealtimeSettings from(Settings settings) {
    int grpcPort = settings.port(ServicePorts.REALTIME_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_REALTIME_SERVICE_GRPC_PORT);
    int wsPort = settings.port(ServicePorts.REALTIME_SERVICE_WS_PORT,
        ServicePorts.DEFAULT_REALTIME_SERVICE_WS_PORT);
    Optional<String> grpcHost = settings.optional("GRPC_BIND_HOST");
    Optional<String> wsHost = settings.optional("REALTIME_WS_BIND_HOST").or(() -> grpcHost);
    TlsSettings tls = TlsSettings.from(settings);
    Duration drain = positive(settings, "GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(5));
    Duration ping = settings.duration("REALTIME_WS_PING_INTERVAL", Duration.ofSeconds(30));
    if (ping.toSeconds() < 1) {
      // Java-WebSocket counts the interval in whole seconds; 0 would switch the pings off.
      settings.reportProblem("REALTIME_WS_PING_INTERVAL must be at least 1s (got " + ping + ")");
    }
    int sendBuffer = settings.integer("REALTIME_WS_SEND_BUFFER", 0, 0, 64 * 1024 * 1024);
    int outbound = settings.integer("REALTIME_OUTBOUND_QUEUE_LIMIT", 1024, 4, 1_000_000);
    int inbound = settings.integer("REALTIME_INBOUND_PENDING_LIMIT", 64, 1, 100_000);
    int threads = settings.integer("REALTIME_WORKER_THREADS", 8, 1, 512);
    int queue = settings.integer("REALTIME_WORKER_QUEUE", 10_000, 1, 10_000_000);
    int page = settings.integer("REALTIME_CATCHUP_PAGE_SIZE", 200, 1, 10_000);
    int cacheSize = settings.integer("REALTIME_PARTICIPANT_CACHE_SIZE", 10_000, 1, 10_000_000);
    Duration cacheTtl = positive(settings, "REALTIME_PARTICIPANT_CACHE_TTL", Duration.ofSeconds(60));
    Duration heartbeat = positive(settings, "REALTIME_PRESENCE_HEARTBEAT", Duration.ofSeconds(30));
    String prefix = settings.string("KAFKA_TOPIC_PREFIX", "");
    if (!MessagingTopics.isLegalPrefix(prefix)) {
      settings.reportProblem("KAFKA_TOPIC_PREFIX may only hold letters, digits, '.', '_' and '-' (got '"
          + prefix + "')");
    }
    int partitions = settings.integer("KAFKA_TOPIC_PARTITIONS", 6, 1, 10_000);
    int replication = settings.integer("KAFKA_TOPIC_REPLICATION_FACTOR", 1, 1, 32);
    ConnectionLimits connectionLimits = ConnectionLimits.from(settings);
    TrustedProxies proxies = TrustedProxies.none();
    try {
      proxies = TrustedProxies.parse(settings.string("REALTIME_WS_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      settings.reportProblem("REALTIME_WS_TRUSTED_PROXIES: " + e.getMessage());
    }
    return new RealtimeSettings(grpcPort, wsPort, grpcHost, wsHost, tls, drain, ping, sendBuffer,
        outbound, inbound, threads, queue, Math.min(page, Math.max(1, outbound / 2)), cacheSize,
        cacheTtl, heartbeat, prefix, partitions, (short) replication, connectionLimits, proxies);
  }

  private static Duration positive(Settings settings, String name, Duration fallback) {
    Duration value = settings.duration(name, fallback);
    if (value.isZero() || value.isNegative()) {
      settings.reportProblem(name + " must be positive (got " + value + ")");
      return fallback;
    }
    return value;
  }
}
