package com.whatsappclone.realtime;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.SessionRevocationPoller;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.DatabaseSettings;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.KafkaSettings;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.common.net.ClientAddressInterceptor;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.common.ratelimit.ClockTimeMeter;
import com.whatsappclone.common.ratelimit.KeyedBuckets;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the realtime service by hand: settings, database pool, Kafka producer and the two topic
 * readers, the worker pool, the WebSocket server and the gRPC server, in one place.
 */
public final class RealtimeApplication {

  private static final Logger log = LoggerFactory.getLogger(RealtimeApplication.class);
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);
  /** How often open connections are checked for an expired token or a revoked session. */
  private static final Duration CREDENTIAL_CHECK_INTERVAL = Duration.ofSeconds(1);

  private RealtimeApplication() {}

  /**
   * Starts the service; {@link GrpcServer#stop()} stops everything it started.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting
   */
  public static GrpcServer start(Settings settings, Clock clock) {
    return startServers(settings, clock).grpc();
  }

  /** Like {@link #start} but also tells the WebSocket port. */
  public static RealtimeServers startServers(Settings settings, Clock clock) {
    return startServers(settings, clock, CatchUpProbe.NONE);
  }

  static RealtimeServers startServers(Settings settings, Clock clock, CatchUpProbe probe) {
    RealtimeSettings config = RealtimeSettings.from(settings);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    String brokers = KafkaSettings.brokers(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    // Everything opened so far, closed in reverse if start-up fails half way.
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      Database database = Database.start(databaseConfig.orElseThrow(), "realtime-db");
      opened.push(database);
      TokenManager tokens = jwt.tokenManager(clock);
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      opened.push(SessionRevocationPoller.start("realtime", database.dataSource(), revocations, revocationPoll));
      KafkaFactories kafka = new KafkaFactories(brokers, "realtime");
      Topics.ensure(kafka, config.allTopics());
      Producer<String, byte[]> producer = kafka.newProducer();
      opened.push(producer);

      UUID instanceId = UUID.randomUUID();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(),
          60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.workerQueue()),
          daemonThreads("realtime-worker"));
      AutoCloseable stopPool = () -> shutdown(pool, Duration.ofSeconds(10));
      opened.push(stopPool);

      ParticipantStore participantStore = new ParticipantStore(database.dataSource());
      ParticipantCache participants = new ParticipantCache(participantStore::participants,
          config.participantCacheSize(), config.participantCacheTtl(), clock);
      PresenceStore presence = new PresenceStore(database.dataSource());
      FanoutBus bus = new FanoutBus(producer, config.realtimeEventsTopic(), instanceId.toString());
      ConnectionRegistry registry = new ConnectionRegistry();
      RealtimeService service = new RealtimeService(registry,
          new MessageStatusStore(database.dataSource()), participants, participantStore,
          presence, bus, pool, config, clock, instanceId, probe, tokens, revocations);
      revocations.addListener(service::onRevoked);
      // At stop: let the disconnections queued by closing the devices finish, then drop whatever
      // presence rows are left (shutting the pool down twice is harmless).
      opened.push(() -> {
        shutdown(pool, Duration.ofSeconds(10));
        service.forgetInstance();
      });

      // Each instance reads every partition itself: it must see every event for its devices.
      String group = "realtime-" + instanceId;
      TopicTail storedTail = new TopicTail(kafka, config.storedTopic(), group, service::onMessageStored);
      opened.push(storedTail);
      storedTail.start(KAFKA_START_TIMEOUT);
      TopicTail eventsTail = new TopicTail(kafka, config.realtimeEventsTopic(), group, service::onRealtimeRecord);
      opened.push(eventsTail);
      eventsTail.start(KAFKA_START_TIMEOUT);

      InetSocketAddress wsAddress = config.webSocketBindHost()
          .map(host -> new InetSocketAddress(host, config.webSocketPort()))
          .orElseGet(() -> new InetSocketAddress(config.webSocketPort()));
      ConnectionCaps caps = new ConnectionCaps(config.connectionLimits());
      // Shared by every server the endpoint starts, so a restart does not reset anyone's budget.
      KeyedBuckets handshakeRate = new KeyedBuckets(config.connectionLimits().handshakesPerAddressPerSecond(),
          config.connectionLimits().handshakeBurstPerAddress(), new ClockTimeMeter(clock));
      WebSocketEndpoint<RealtimeWebSocketServer> webSocket = new WebSocketEndpoint<>(address ->
          new RealtimeWebSocketServer(address, tokens, revocations, service, caps, handshakeRate, config));
      AutoCloseable stopWebSocket = () -> {
        service.closeAll("server shutting down, reconnect");
        webSocket.close();
      };
      webSocket.start(wsAddress);
      opened.push(stopWebSocket);

      // Two threads: a heartbeat waiting on the database does not hold up the credential checks.
      ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemonThreads("realtime-timer"));
      AutoCloseable stopScheduler = () -> shutdown(scheduler, Duration.ofSeconds(5));
      opened.push(stopScheduler);
      long beat = config.presenceHeartbeat().toMillis();
      scheduler.scheduleWithFixedDelay(() -> {
        try {
          service.heartbeat();
        } catch (RuntimeException e) {
          log.warn("presence heartbeat failed: {}", e.toString());
        }
      }, beat, beat, TimeUnit.MILLISECONDS);
      long check = CREDENTIAL_CHECK_INTERVAL.toMillis();
      scheduler.scheduleWithFixedDelay(() -> {
        try {
          service.checkCredentials();
        } catch (RuntimeException e) {
          log.warn("checking the connections' credentials failed: {}", e.toString());
        }
      }, check, check, TimeUnit.MILLISECONDS);

      GrpcServer.Builder builder = GrpcServer.builder("realtime", config.grpcPort())
          .intercept(new ClientAddressInterceptor(ClientAddressSignature.fromJwtSecret(jwt.secret())))
          .intercept(new AuthInterceptor(tokens, revocations))
          .addService(new RealtimeGrpcService(service, caps))
          .drainTimeout(config.drainTimeout())
          .tls(config.tls());
      config.grpcBindHost().ifPresent(builder::host);
      // closeOnStop closes the last registered first: heartbeat, devices and WebSocket server,
      // topic readers, worker pool (letting disconnections finish) and this instance's presence
      // rows, producer, database.
      for (Iterator<AutoCloseable> oldestFirst = opened.descendingIterator(); oldestFirst.hasNext(); ) {
        builder.closeOnStop(oldestFirst.next());
      }
      GrpcServer grpc = builder.start();
      // A WebSocket endpoint being replaced after a fatal error makes the service NOT_SERVING.
      webSocket.reportTo(serving -> {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        grpc.health().setStatus("", status);
        grpc.serviceNames().forEach(name -> grpc.health().setStatus(name, status));
      });
      log.info("realtime WebSocket endpoint on :{}{} ({})", webSocket.port(), WebSocketHandshake.PATH,
          config.tls().serverTls() ? "wss, TLS" : "ws, plaintext");
      return new RealtimeServers(grpc, webSocket, service);
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  private static void closeAll(Deque<AutoCloseable> opened) {
    while (!opened.isEmpty()) {
      AutoCloseable resource = opened.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {} after a failed start failed", resource, e);
      }
    }
  }

  private static void shutdown(ExecutorService executor, Duration timeout) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
