package com.whatsappclone.status;

import com.whatsappclone.common.metrics.ServiceMetrics;
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
import com.whatsappclone.common.grpc.GrpcServerSettings;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import com.whatsappclone.common.lifecycle.Resources;
import com.whatsappclone.common.privacy.PrivacyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the status service by hand: settings, database pool, service, cleanup job, gRPC server. */
public final class StatusApplication {

  /** Binds the gRPC server to one address (tests use 127.0.0.1); all interfaces when unset. */
  public static final String GRPC_BIND_HOST = GrpcServerSettings.BIND_HOST;
  /** How long a cleanup pass interrupted at stop may take to notice. */
  private static final Duration SCHEDULER_STOP_WAIT = Duration.ofSeconds(10);

  private StatusApplication() {}

  /**
   * Starts the service and returns its running server; {@link GrpcServer#stop()} stops the
   * cleanup job and closes the pool.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting
   */
  public static GrpcServer start(Settings settings, Clock clock) {
    return start(settings, clock, ServiceMetrics.fromSettings(settings, "status",
        ServicePorts.STATUS_SERVICE_METRICS_PORT, ServicePorts.DEFAULT_STATUS_SERVICE_METRICS_PORT));
  }

  /** As {@link #start(Settings, Clock)}, counting into {@code metrics} (tests read them back). */
  public static GrpcServer start(Settings settings, Clock clock, ServiceMetrics metrics) {
    GrpcServerSettings grpc = GrpcServerSettings.from(settings, ServicePorts.STATUS_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_STATUS_SERVICE_GRPC_PORT);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    CleanupSettings cleanup = CleanupSettings.from(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    // Closed in reverse at stop or after a failed start: the job stops before the pool it uses.
    // One registry per service instance (the caller's); every part that counts something gets it (issue 19).
    return Resources.startOrClose(resources -> {
      Database database = resources.push(Database.start(databaseConfig.orElseThrow(), "status-db", metrics));
      TokenManager tokens = jwt.tokenManager(clock);
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      resources.push(SessionRevocationPoller.start("status", database.dataSource(), revocations, revocationPoll));
      // Interrupted at stop: a running pass stops between batches.
      ScheduledExecutorService scheduler = resources.interruptOnClose(
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("status-cleanup")), SCHEDULER_STOP_WAIT);
      StatusStore store = new StatusStore(database.dataSource());
      StatusService service = new StatusService(store, new PrivacyStore(database.dataSource()), clock,
          metrics.registry());
      ExpiredStatusCleanup cleanupJob = new ExpiredStatusCleanup(store, clock, cleanup.batchSize());

      GrpcServer server = GrpcServer.builder("status", grpc)
          .refusalsFollow(database)
          .readyWhen("database", database::unreachable)
          .intercept(new AuthInterceptor(tokens, revocations))
          .addService(new StatusGrpcService(service))
          .metrics(metrics)
          .closeOnStop(resources)
          .start();
      scheduler.scheduleWithFixedDelay(cleanupJob::runScheduled,
          cleanup.firstDelay().toMillis(), cleanup.interval().toMillis(), TimeUnit.MILLISECONDS);
      return server;
    });
  }
}
