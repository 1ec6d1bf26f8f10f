package com.whatsappclone.realtime;

import com.whatsappclone.common.config.ConnectionLimits;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.grpc.GrpcServerSettings;
import com.whatsappclone.common.kafka.TopicSettings;
import com.whatsappclone.common.net.TlsSettings;
import com.whatsappclone.common.net.TrustedProxies;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting the realtime service reads besides the database, Kafka and JWT ones.
 *
 * @param grpc                  REALTIME_SERVICE_GRPC_PORT and the gRPC server settings every
 *                              service shares; its TLS (TLS_CERT_FILE / TLS_KEY_FILE) is the
 *                              WebSocket endpoint's too (wss)
 * @param webSocketPort         REALTIME_SERVICE_WS_PORT (0: any free port, tests)
 * @param webSocketBindHost     REALTIME_WS_BIND_HOST, defaults to GRPC_BIND_HOST
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
 * @param presenceGroupLimit    REALTIME_PRESENCE_GROUP_LIMIT: groups with more members than this
 *                              do not carry their members' presence (one-to-one chats always do)
 * @param topics                KAFKA_TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS and
 *                              KAFKA_TOPIC_REPLICATION_FACTOR, as chat and the message worker read them
 * @param connectionLimits      MAX_CONNECTIONS_PER_USER / MAX_CONNECTIONS_PER_ADDRESS, for both doors
 * @param webSocketProxies      REALTIME_WS_TRUSTED_PROXIES: proxies in front of the WebSocket
 *                              endpoint whose X-Forwarded-For names the client (default none)
 */
public record RealtimeSettings(
    GrpcServerSettings grpc,
    int webSocketPort,
    Optional<String> webSocketBindHost,
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
    int presenceGroupLimit,
    int maxLag,
    TopicSettings topics,
    ConnectionLimits connectionLimits,
    TrustedProxies webSocketProxies) {

  /** Frames larger than this close the WebSocket connection with 1009 (docs/API.md, "WebSocket"). */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  /** The TLS both the gRPC server and the WebSocket endpoint serve. */
  public TlsSettings tls() {
    return grpc.tls();
  }

  /** The stored-messages topic, behind the prefix. */
  public String storedTopic() {
    return topics.topics().stored();
  }

  /** The realtime events topic, behind the prefix. */
  public String realtimeEventsTopic() {
    return topics.topics().realtimeEvents();
  }

  public static RealtimeSettings from(Settings settings) {
    GrpcServerSettings grpc = GrpcServerSettings.from(settings, ServicePorts.REALTIME_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_REALTIME_SERVICE_GRPC_PORT);
    int wsPort = settings.port(ServicePorts.REALTIME_SERVICE_WS_PORT,
        ServicePorts.DEFAULT_REALTIME_SERVICE_WS_PORT);
    Optional<String> wsHost = settings.optional("REALTIME_WS_BIND_HOST").or(grpc::bindHost);
    Duration ping = settings.duration("REALTIME_WS_PING_INTERVAL", Duration.ofSeconds(30));
    if (ping.toSeconds() < 1) {
      // Java-WebSocket counts the interval in whole seconds; 0 would switch the pings off.
      settings.reportProblem("REALTIME_WS_PING_INTERVAL must be at least 1s (got " + ping + ")");
    }
    int sendBuffer = settings.integer("REALTIME_WS_SEND_BUFFER", 0, 0, 64 * 1024 * 1024);
    int outbound = settings.integer("REALTIME_OUTBOUND_QUEUE_LIMIT", 1024, 4, 1_000_000);
    int inbound = settings.integer("REALTIME_INBOUND_PENDING_LIMIT", 64, 1, 100_000);
    int threads = settings.integer("REALTIME_WORKER_THREADS", 32, 1, 512);
    int queue = settings.integer("REALTIME_WORKER_QUEUE", 10_000, 1, 10_000_000);
    int page = settings.integer("REALTIME_CATCHUP_PAGE_SIZE", 200, 1, 10_000);
    int cacheSize = settings.integer("REALTIME_PARTICIPANT_CACHE_SIZE", 10_000, 1, 10_000_000);
    Duration cacheTtl = settings.positive("REALTIME_PARTICIPANT_CACHE_TTL", Duration.ofSeconds(60));
    Duration heartbeat = settings.positive("REALTIME_PRESENCE_HEARTBEAT", Duration.ofSeconds(30));
    // 256 was the largest group before MAX_GROUP_MEMBERS: every group that could exist then
    // keeps its presence; a bigger one would make each member's connect announce to all of it.
    int presenceGroupLimit = settings.integer("REALTIME_PRESENCE_GROUP_LIMIT", 256, 0, 100_000);
    int maxLag = settings.integer("REALTIME_MAX_LAG", 5_000, 1, Integer.MAX_VALUE);
    TopicSettings topics = TopicSettings.from(settings);
    ConnectionLimits connectionLimits = ConnectionLimits.from(settings);
    TrustedProxies proxies = TrustedProxies.none();
    try {
      proxies = TrustedProxies.parse(settings.string("REALTIME_WS_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      settings.reportProblem("REALTIME_WS_TRUSTED_PROXIES: " + e.getMessage());
    }
    return new RealtimeSettings(grpc, wsPort, wsHost, ping, sendBuffer,
        outbound, inbound, threads, queue, Math.min(page, Math.max(1, outbound / 2)), cacheSize,
        cacheTtl, heartbeat, presenceGroupLimit, maxLag, topics, connectionLimits, proxies);
  }
}
