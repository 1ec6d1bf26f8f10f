package com.whatsappclone.realtime;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.KafkaTopics;
import com.whatsappclone.proto.events.ConversationMembershipChanged;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.UniqueNames;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The realtime service started as production starts it ({@link RealtimeApplication}) on a test
 * database, the shared test Kafka broker and loopback ports, with what the tests need around it:
 * tokens, fixtures, a producer playing the message worker, WebSocket and gRPC clients.
 */
final class RealtimeTestServer implements AutoCloseable {

  static final String JWT_SECRET = "realtime-test-secret-0123456789-0123456789";

  final TestDatabase db;
  final Fixtures fixtures;
  final RealtimeServers servers;
  final TokenManager tokens;
  private final Producer<String, byte[]> producer;
  private final ManagedChannel channel;

  private final String topicPrefix;

  private RealtimeTestServer(TestDatabase db, RealtimeServers servers, String topicPrefix, Clock clock) {
    this.db = db;
    this.topicPrefix = topicPrefix;
    this.fixtures = new Fixtures(db);
    this.servers = servers;
    this.tokens = new TokenManager(JWT_SECRET, Duration.ofMinutes(15), Duration.ofDays(7), clock);
    this.producer = new KafkaFactories(KafkaExtension.bootstrapServers(), "realtime-test").newProducer();
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", servers.grpcPort()).usePlaintext().build();
  }

  /** On a fresh database. */
  static RealtimeTestServer start(Map<String, String> extraSettings) {
    return start(newDatabase(), extraSettings, CatchUpProbe.NONE);
  }

  /** A fresh database with the schema the service expects (see {@link #prepareSchema}). */
  static TestDatabase newDatabase() {
    TestDatabase db = PostgresExtension.newDatabase();
    prepareSchema(db);
    return db;
  }

  /** On a fresh database, with the service reading time from {@code clock}. */
  static RealtimeTestServer start(Map<String, String> extraSettings, Clock clock) {
    return start(newDatabase(), extraSettings, CatchUpProbe.NONE, clock);
  }

  static RealtimeTestServer start(TestDatabase db, Map<String, String> extraSettings, CatchUpProbe probe) {
    return start(db, extraSettings, probe, Clock.systemUTC());
  }

  static RealtimeTestServer start(TestDatabase db, Map<String, String> extraSettings, CatchUpProbe probe,
      Clock clock) {
    return start(db, extraSettings, probe, clock, ServiceMetrics.create("realtime"));
  }

  /** Counting into {@code metrics}, which the test reads back. */
  static RealtimeTestServer start(TestDatabase db, Map<String, String> extraSettings, CatchUpProbe probe,
      Clock clock, ServiceMetrics metrics) {
    Map<String, String> settings = new HashMap<>(Map.of(
        "DATABASE_URL", db.jdbcUrlWithCredentials(),
        "KAFKA_BROKERS", KafkaExtension.bootstrapServers(),
        "JWT_SECRET", JWT_SECRET,
        "REALTIME_SERVICE_GRPC_PORT", "0",
        "REALTIME_SERVICE_METRICS_PORT", "0",
        "REALTIME_SERVICE_WS_PORT", "0",
        "GRPC_BIND_HOST", "127.0.0.1",
        "GRPC_DRAIN_TIMEOUT", "1s",
        "DB_MAX_POOL_SIZE", "4",
        "REALTIME_WORKER_THREADS", "4"));
    // Topics of its own (unless a test shares them between instances on purpose), so that test
    // classes on the shared broker do not see each other's events.
    settings.put("KAFKA_TOPIC_PREFIX", UniqueNames.of("rt") + ".");
    settings.putAll(extraSettings);
    return new RealtimeTestServer(db,
        RealtimeApplication.startServers(Settings.of(settings), clock, probe, metrics),
        settings.get("KAFKA_TOPIC_PREFIX"), clock);
  }

  /**
   * Applies the migrations, then adds {@code messages.seq} if the message worker's migration
   * (developed alongside this service) is not on the classpath yet; the service reads it when
   * it exists.
   */
  static void prepareSchema(TestDatabase db) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(db.jdbcUrl());
    dataSource.setUser(db.user());
    dataSource.setPassword(db.password());
    Migrations.migrate(dataSource);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE messages ADD COLUMN IF NOT EXISTS seq bigint");
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare the test schema", e);
    }
  }

  /** An access token without sid, as the Go original issued them. */
  String token(UUID user) {
    return tokens.issueAccessToken(user.toString()).token();
  }

  /** An access token of the session (user_devices row) {@code session}, as auth issues them. */
  String token(UUID user, UUID session) {
    return tokens.issueAccessToken(user.toString(), session.toString()).token();
  }

  /** A WebSocket client authenticated with this token in the Authorization header. */
  WsClient ws(String accessToken) {
    return WsClient.open(wsUri(), Map.of("Authorization", "Bearer " + accessToken));
  }

  /** A gRPC Connect stream authenticated with this token. */
  StreamClient grpc(String accessToken) {
    return StreamClient.connect(ClientInterceptors.intercept(channel, new BearerToken(accessToken)));
  }

  URI wsUri() {
    return URI.create("ws://127.0.0.1:" + servers.webSocketPort() + "/ws");
  }

  /** A WebSocket client authenticated with the Authorization header. */
  WsClient ws(UUID user) {
    return WsClient.open(wsUri(), Map.of("Authorization", "Bearer " + token(user)));
  }

  /** A gRPC Connect stream as this user. */
  StreamClient grpc(UUID user) {
    return StreamClient.connect(channelFor(user));
  }

  Channel channelFor(UUID user) {
    return withToken(channel, user);
  }

  /** Calls on {@code base} carry the user's access token. */
  Channel withToken(Channel base, UUID user) {
    return ClientInterceptors.intercept(base, new BearerToken(token(user)));
  }

  Channel anonymousChannel() {
    return channel;
  }

  /** Publishes what the message worker publishes after storing a message, and waits for the ack. */
  void publish(MessageStored event) {
    try {
      producer.send(new ProducerRecord<>(topicPrefix + KafkaTopics.MESSAGES_STORED, event.getConversationId(),
          event.toByteArray())).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not publish a stored-message event", e);
    }
  }

  /**
   * What chat publishes when a conversation's members change: keyed by the conversation id on
   * the realtime events topic (the payload's shape is chat's; realtime only needs the key).
   */
  void publishMembershipChange(UUID conversation, UUID added) {
    ConversationMembershipChanged change = ConversationMembershipChanged.newBuilder()
        .setConversationId(conversation.toString())
        .addAddedUserIds(added.toString())
        .build();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topicPrefix + KafkaTopics.REALTIME_EVENTS,
        conversation.toString(), change.toByteArray());
    record.headers().add("event-type",
        ConversationMembershipChanged.getDescriptor().getFullName().getBytes(StandardCharsets.UTF_8));
    send(record);
  }

  /** A record of a shape realtime does not know, keyed by the conversation. */
  void publishUnknownRealtimeRecord(String key) {
    send(new ProducerRecord<>(topicPrefix + KafkaTopics.REALTIME_EVENTS, key, new byte[] {0x0a, 0x00}));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + record.topic(), e);
    }
  }

  String topicPrefix() {
    return topicPrefix;
  }

  /** Waits until this instance has processed at least {@code count} stored-message events. */
  void awaitStoredEventsHandled(long count) {
    await(servers::storedEventsHandled, count, "stored-message events handled");
  }

  long storedEventsHandled() {
    return servers.storedEventsHandled();
  }

  static void await(LongSupplier value, long atLeast, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WsClient.TIMEOUT_SECONDS);
    while (value.getAsLong() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": " + value.getAsLong() + " < " + atLeast + " after "
            + WsClient.TIMEOUT_SECONDS + " s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      producer.close();
      servers.stop();
    }
  }

  private static final class BearerToken implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String token;

    BearerToken(String token) {
      this.token = token;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
        CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          headers.put(AUTHORIZATION, "Bearer " + token);
          super.start(listener, headers);
        }
      };
    }
  }
}
