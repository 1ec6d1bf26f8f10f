package com.whatsappclone.status;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.SessionRevocationPoller;
import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.config.DatabaseSettings;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.net.TlsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the status service by hand: settings, database pool, service, cleanup job, gRPC server. */
public final class StatusApplication {

  /** Binds the gRPC server to one address (tests use 127.0.0.1); all interfaces when unset. */
  public static final String GRPC_BIND_HOST = "GRPC_BIND_HOST";

  private StatusApplication() {}

  /**
   * Starts the service and returns its running server; {@link GrpcServer#stop()} stops the
   * cleanup job and closes the pool.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting
   */
  public static GrpcServer start(Settings settings, Clock clock) {
    int port = settings.port(ServicePorts.STATUS_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_STATUS_SERVICE_GRPC_PORT);
    Optional<String> host = settings.optional(GRPC_BIND_HOST);
    TlsSettings tls = TlsSettings.from(settings);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
    CleanupSettings cleanup = CleanupSettings.from(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    Database database = Database.start(databaseConfig.orElseThrow(), "status-db");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "status-cleanup");
      thread.setDaemon(true);
      return thread;
    });
    AutoCloseable stopScheduler = () -> stopScheduler(scheduler);
    SessionRevocationPoller poller = null;
    try {
      TokenManager tokens = jwt.tokenManager(clock);
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      poller = SessionRevocationPoller.start("status", database.dataSource(), revocations, revocationPoll);
      StatusStore store = new StatusStore(database.dataSource());
      StatusService service = new StatusService(store, clock);
      ExpiredStatusCleanup cleanupJob = new ExpiredStatusCleanup(store, clock, cleanup.batchSize());

      GrpcServer.Builder builder = GrpcServer.builder("status", port)
          .intercept(new AuthInterceptor(tokens, revocations))
          .addService(new StatusGrpcService(service))
          .drainTimeout(drainTimeout)
          // closed in reverse order: the job stops before the pool it uses
          .closeOnStop(database)
          .closeOnStop(poller)
          .closeOnStop(stopScheduler);
      host.ifPresent(builder::host);
      builder.tls(tls);
      GrpcServer server = builder.start();

      scheduler.scheduleWithFixedDelay(cleanupJob::runScheduled,
          cleanup.firstDelay().toMillis(), cleanup.interval().toMillis(), TimeUnit.MILLISECONDS);
      return server;
    } catch (RuntimeException e) {
      stopScheduler(scheduler);
      if (poller != null) {
        poller.close();
      }
      database.close();
      throw e;
    }
  }

  /** Interrupts a running pass (it stops between batches) and waits briefly for it. */
  private static void stopScheduler(ScheduledExecutorService scheduler) {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
