package com.whatsappclone.realtime;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.SessionRevocationPoller;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.DatabaseSettings;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.KafkaSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.Readiness;
import com.whatsappclone.common.kafka.KafkaFactories;
import com.whatsappclone.common.kafka.TopicTail;
import com.whatsappclone.common.kafka.Topics;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import com.whatsappclone.common.lifecycle.Resources;
import com.whatsappclone.common.net.ClientAddressInterceptor;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.ratelimit.ClockTimeMeter;
import com.whatsappclone.common.ratelimit.KeyedBuckets;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
  private static final Duration WORKER_STOP_WAIT = Duration.ofSeconds(10);
  private static final Duration TIMER_STOP_WAIT = Duration.ofSeconds(5);

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

  /** {@link #startServers(Settings, Clock)}, observed through {@code metrics} (tests read them back). */
  public static RealtimeServers startServers(Settings settings, Clock clock, ServiceMetrics metrics) {
    return startServers(settings, clock, CatchUpProbe.NONE, metrics);
  }

  static RealtimeServers startServers(Settings settings, Clock clock, CatchUpProbe probe) {
    return startServers(settings, clock, probe, ServiceMetrics.fromSettings(settings, "realtime",
        ServicePorts.REALTIME_SERVICE_METRICS_PORT, ServicePorts.DEFAULT_REALTIME_SERVICE_METRICS_PORT));
  }

  /** {@link #startServers(Settings, Clock)}, counting into {@code metrics} (tests read them back). */
  static RealtimeServers startServers(Settings settings, Clock clock, CatchUpProbe probe,
      ServiceMetrics metrics) {
    RealtimeSettings config = RealtimeSettings.from(settings);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    String brokers = KafkaSettings.brokers(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    // Closed last-pushed first, at stop or when start-up fails half way: timers, devices and
    // WebSocket server, topic readers, worker pool (letting disconnections finish), the goodbye
    // and this instance's presence rows, receipt writer, producer, database.
    // One registry per service instance (the caller's); every part that counts something gets it (issue 19).
    return Resources.startOrClose(resources -> {
      Database database = resources.push(Database.start(databaseConfig.orElseThrow(), "realtime-db", metrics));
      TokenManager tokens = jwt.tokenManager(clock);
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      resources.push(SessionRevocationPoller.start("realtime", database.dataSource(), revocations, revocationPoll));
      KafkaFactories kafka = new KafkaFactories(brokers, "realtime", metrics);
      Topics.ensure(kafka, config.topics().all());
      Producer<String, byte[]> producer = resources.push(kafka.newProducer());
      // Closed after the devices and the worker pool, before the producer and the database: what
      // was queued is written and answered.
      MessageStatusStore statuses = new MessageStatusStore(database.dataSource());
      PrivacyGate privacy = new PrivacyGate(new PrivacyStore(database.dataSource()), clock);
      ReceiptWriter receipts = resources.push(new ReceiptWriter(statuses, clock,
          ReceiptWriter.QUEUE_LIMIT, ReceiptWriter.BATCH_LIMIT, privacy::readReceiptsOff)).start();

      UUID instanceId = UUID.randomUUID();
      ThreadPoolExecutor pool = resources.shutDownOnClose(new ThreadPoolExecutor(config.workerThreads(),
          config.workerThreads(), 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.workerQueue()),
          DaemonThreads.numbered("realtime-worker")), WORKER_STOP_WAIT);

      ParticipantStore participantStore = new ParticipantStore(database.dataSource(),
          config.presenceGroupLimit());
      ParticipantCache participants = new ParticipantCache(participantStore::participants,
          config.participantCacheSize(), config.participantCacheTtl(), clock);
      PresenceStore presence = new PresenceStore(database.dataSource());
      PeerInstances peers = new PeerInstances(instanceId.toString(), config.presenceHeartbeat(), clock);
      // Receipts the broker refused wait here to be sent again; closed before the producer is.
      ScheduledExecutorService fanoutRetries = resources.shutDownOnClose(
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("realtime-fanout-retry")), TIMER_STOP_WAIT);
      FanoutBus bus = new FanoutBus(producer, config.realtimeEventsTopic(), peers, fanoutRetries);
      RealtimeMetrics counts = new RealtimeMetrics(metrics.registry(), clock);
      ConnectionRegistry registry = new ConnectionRegistry(metrics.registry());
      ReceiptCatchUpStore receiptCursors = new ReceiptCatchUpStore(database.dataSource());
      // Closed after the worker pool below (its disconnections record cursors), before the database.
      ReceiptCursorWriter cursorWriter = resources.push(new ReceiptCursorWriter(receiptCursors));
      PresenceWriter presenceWriter = resources.push(new PresenceWriter(presence));
      RealtimeService service = new RealtimeService(registry, statuses,
          receiptCursors, cursorWriter, receipts, participants, participantStore,
          presence, presenceWriter, privacy, bus, pool, config, clock, instanceId, probe, tokens, revocations, counts);
      revocations.addListener(service::onRevoked);
      // At stop: let the disconnections queued by closing the devices finish, then drop whatever
      // presence rows are left (shutting the pool down twice is harmless).
      resources.push(() -> {
        Resources.shutdown(pool, WORKER_STOP_WAIT);
        service.forgetInstance();
      });

      // Each instance reads every partition itself: it must see every event for its devices.
      String group = "realtime-" + instanceId;
      // Stored messages are the busy topic: fetches that wait a few ms for more are fewer.
      TopicTail stored = resources.push(new TopicTail(kafka, config.storedTopic(), group,
          DeliveryTraces.around(metrics.tracing(), service::onMessageStored),
          KafkaFactories.BATCHING_FETCH));
      stored.start(KAFKA_START_TIMEOUT);
      TopicTail events = resources.push(new TopicTail(kafka, config.realtimeEventsTopic(), group,
          service::onRealtimeRecord));
      events.start(KAFKA_START_TIMEOUT);
      // The other instances must know this one before its first device can connect.
      service.announceStart(KAFKA_START_TIMEOUT);

      InetSocketAddress wsAddress = config.webSocketBindHost()
          .map(host -> new InetSocketAddress(host, config.webSocketPort()))
          .orElseGet(() -> new InetSocketAddress(config.webSocketPort()));
      ConnectionCaps caps = new ConnectionCaps(config.connectionLimits());
      // Shared by every server the endpoint starts, so a restart does not reset anyone's budget.
      KeyedBuckets handshakeRate = new KeyedBuckets(config.connectionLimits().handshakesPerAddressPerSecond(),
          config.connectionLimits().handshakeBurstPerAddress(), new ClockTimeMeter(clock));
      WorkerBacklog backlog = new WorkerBacklog(pool);
      WebSocketEndpoint<RealtimeWebSocketServer> webSocket = new WebSocketEndpoint<>(address ->
          new RealtimeWebSocketServer(address, tokens, revocations, service, caps, handshakeRate, backlog,
              config, counts));
      webSocket.start(wsAddress);
      resources.push(() -> {
        service.closeAll("server shutting down, reconnect");
        webSocket.close();
      });

      // Two threads: a heartbeat waiting on the database does not hold up the credential checks.
      ScheduledExecutorService scheduler = resources.shutDownOnClose(
          Executors.newScheduledThreadPool(2, DaemonThreads.numbered("realtime-timer")), TIMER_STOP_WAIT);
      long beat = config.presenceHeartbeat().toMillis();
      scheduler.scheduleWithFixedDelay(() -> runLogged("presence heartbeat", service::heartbeat),
          beat, beat, TimeUnit.MILLISECONDS);
      long check = CREDENTIAL_CHECK_INTERVAL.toMillis();
      scheduler.scheduleWithFixedDelay(() -> runLogged("checking the connections' credentials", service::checkCredentials),
          check, check, TimeUnit.MILLISECONDS);

      GrpcServer grpc = GrpcServer.builder("realtime", config.grpc())
          .refusalsFollow(database)
          .readyWhen("database", database::unreachable)
          .readyWhen("websocket", () -> webSocket.isServing()
              ? Optional.empty() : Optional.of("the WebSocket server is not running"))
          .readyWhen(config.storedTopic(), () -> stored.notKeepingUp(config.maxLag()))
          .readyWhen(config.realtimeEventsTopic(), () -> events.notKeepingUp(config.maxLag()))
          .intercept(new ClientAddressInterceptor(ClientAddressSignature.fromJwtSecret(jwt.secret())))
          .intercept(new AuthInterceptor(tokens, revocations))
          .addService(new RealtimeGrpcService(service, caps))
          // Connect streams last until the client leaves: end them (clients reconnect elsewhere)
          // instead of holding the drain for its whole timeout.
          .endOpenStreamsOnStop(() -> service.closeAll("server shutting down, reconnect"))
          .metrics(metrics)
          .closeOnStop(resources)
          .start();
      // A WebSocket endpoint being replaced after a fatal error makes the service NOT_SERVING.
      Readiness readiness = grpc.readiness().orElseThrow();
      webSocket.reportTo(serving -> readiness.recheck());
      log.info("realtime WebSocket endpoint on :{}{} ({})", webSocket.port(), WebSocketHandshake.PATH,
          config.tls().serverTls() ? "wss, TLS" : "ws, plaintext");
      return new RealtimeServers(grpc, webSocket, service, receipts, peers);
    });
  }

  /** A failed run must not end the schedule: scheduleWithFixedDelay stops at the first exception. */
  private static void runLogged(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", what, e.toString());
    }
  }
}
