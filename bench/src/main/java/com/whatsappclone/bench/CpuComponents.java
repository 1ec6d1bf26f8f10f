package com.whatsappclone.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which part of the system a thread of this JVM works for, by its name: one ordered prefix table,
 * the first match wins. The names were read from a bench run with {@code --dump-threads} (every
 * live thread with its CPU, sorted); a thread no prefix matches goes to {@link #UNATTRIBUTED},
 * whose share the report shows, so a name the table misses is visible rather than silently
 * counted somewhere.
 *
 * <p>Kafka clients name their threads {@code "kafka-producer-network-thread | <client.id>"} and
 * {@code "kafka-coordinator-heartbeat-thread | <group.id>"}; the client ids start with the service
 * name (common/kafka/KafkaFactories) and so do the services' group ids, so for those the part
 * after {@code " | "} is matched.
 */
final class CpuComponents {

  static final String GATEWAY = "api-gateway";
  static final String AUTH = "auth";
  static final String CHAT = "chat";
  static final String MESSAGE_WORKER = "message-worker";
  static final String REALTIME = "realtime";
  static final String STATUS = "status";
  static final String GRPC_SHARED = "grpc-shared";
  static final String KAFKA_BROKER = "kafka-broker";
  static final String POSTGRESQL = "postgresql";
  static final String LOAD_GENERATOR = "load-generator";
  static final String JVM = "jvm";
  static final String OTHER = "other";
  static final String UNATTRIBUTED = "unattributed";

  /** Every component in report order. */
  static final List<String> ALL = List.of(GATEWAY, AUTH, CHAT, MESSAGE_WORKER, REALTIME, STATUS, GRPC_SHARED,
      KAFKA_BROKER, POSTGRESQL, LOAD_GENERATOR, JVM, OTHER, UNATTRIBUTED);

  private record Prefix(String prefix, String component) {}

  private static final List<Prefix> TABLE = new ArrayList<>();

  static {
    // The services: gRPC servers (<service>-grpc-N, <service>-grpc-io-N), database pools
    // (<service>-db:connection-adder, -db:housekeeper), Kafka clients (client id <service>-...),
    // their own threads (chat-kafka-send, message-worker-consumer, realtime-worker-N,
    // realtime-tail-<topic>, <service>-session-revocations, api-gateway-upkeep, ...).
    add(GATEWAY, "api-gateway");
    // Push runs in the worker: its own threads, the FCM sender's and its java.net.http client's.
    add(MESSAGE_WORKER, "message-worker", "push-", "fcm-", "apns-", "HttpClient-");
    // Java-WebSocket's threads are realtime's: the bench's own client is its own loop (bench-devices-N).
    add(REALTIME, "realtime", "WebSocketSelector", "WebSocketWorker", "websocket-supervisor", "connectionLostChecker");
    add(CHAT, "chat");
    add(AUTH, "auth");
    add(STATUS, "status");
    // The load generator: its own threads, and main, which sends the load (MessagingLoad.dispatch).
    // The push bench's FakeFcm (com.sun.net.httpserver) stands for Google's servers: not the stack.
    add(LOAD_GENERATOR, "bench-", "main", "fake-fcm", "HTTP-Dispatcher");
    // grpc-java's process-wide defaults, used by every channel or server that brings no threads of
    // its own: the load generator's channel to the gateway, and, before each server had its own
    // (<service>-grpc-N, -grpc-io-N, -grpc-accept) and the gateway its backend-io threads, every
    // service's handlers as well.
    add(GRPC_SHARED, "grpc-default-executor", "grpc-default-worker", "grpc-default-boss", "grpc-nio-worker",
        "grpc-nio-boss", "grpc-shared-destroyer", "grpc-timer");
    // The embedded Kafka broker (KRaft: broker and controller in one process).
    add(KAFKA_BROKER, "data-plane-kafka", "kafka-", "broker-", "controller-", "quorum-controller", "raft-",
        "group-coordinator", "share-coordinator", "share-group", "persister-state-manager", "PersisterStateManager",
        "transaction-log-manager", "TxnMarkerSenderThread", "AddPartitionsToTxnSenderThread", "ExpirationReaper",
        "executor-", "metrics-meter-tick-thread", "client-metrics-reaper", "SensorExpiryThread", "LogDirFailureHandler",
        "ReplicaFetcherThread", "LogCleaner");
    // The JVM's and libraries' own housekeeping.
    add(OTHER, "Reference Handler", "Finalizer", "Signal Dispatcher", "Common-Cleaner", "Cleaner-",
        "Notification Thread", "Attach Listener", "process reaper", "PostgreSQL-JDBC-Cleaner", "RMI ", "JMX ",
        "DestroyJavaVM");
  }

  private CpuComponents() {}

  private static void add(String component, String... prefixes) {
    for (String prefix : prefixes) {
      TABLE.add(new Prefix(prefix.toLowerCase(Locale.ROOT), component));
    }
  }

  /** The component a thread named {@code name} works for; {@link #UNATTRIBUTED} when no prefix matches. */
  static String of(String name) {
    if (name == null) {
      return UNATTRIBUTED;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    int bar = lower.indexOf(" | ");
    if (bar >= 0) {
      // A Kafka client thread of a service: named by its client or group id.
      String owner = match(lower.substring(bar + 3));
      if (owner != null && !owner.equals(KAFKA_BROKER) && !owner.equals(OTHER)) {
        return owner;
      }
    }
    String component = match(lower);
    return component == null ? UNATTRIBUTED : component;
  }

  private static String match(String lower) {
    for (Prefix entry : TABLE) {
      if (lower.startsWith(entry.prefix())) {
        return entry.component();
      }
    }
    return null;
  }

  /** What each component stands for, for the report. */
  static String describe(String component) {
    return switch (component) {
      case GATEWAY -> "API gateway";
      case AUTH -> "auth";
      case CHAT -> "chat";
      case MESSAGE_WORKER -> "message worker";
      case REALTIME -> "realtime";
      case STATUS -> "status";
      case GRPC_SHARED -> "gRPC default threads (shared by whoever has none of its own)";
      case KAFKA_BROKER -> "Kafka broker";
      case POSTGRESQL -> "PostgreSQL";
      case LOAD_GENERATOR -> "load generator";
      case JVM -> "JVM: JIT, GC, VM threads, threads shorter than a sample";
      case OTHER -> "other";
      default -> "unattributed";
    };
  }
}
