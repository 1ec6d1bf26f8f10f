package com.whatsappclone.auth;

import com.whatsappclone.common.net.ClientAddressInterceptor;
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
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.common.net.TlsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the auth service by hand: settings, pool, stores, OTP provider, service, gRPC server. */
public final class AuthApplication {

  private static final Logger log = LoggerFactory.getLogger(AuthApplication.class);

  /** Binds the gRPC server to one address (tests use 127.0.0.1); all interfaces when unset. */
  public static final String GRPC_BIND_HOST = "GRPC_BIND_HOST";

  private AuthApplication() {}

  /**
   * Starts the service and returns its running server; {@link GrpcServer#stop()} stops the
   * cleanup job and closes the pool.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting,
   *     e.g. the Twilio credentials when dev mode is off
   */
  public static GrpcServer start(Settings settings, Clock clock) {
    int port = settings.port(ServicePorts.AUTH_SERVICE_GRPC_PORT, ServicePorts.DEFAULT_AUTH_SERVICE_GRPC_PORT);
    Optional<String> host = settings.optional(GRPC_BIND_HOST);
    TlsSettings tls = TlsSettings.from(settings);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
    Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
    AuthSettings auth = AuthSettings.from(settings);
    Duration revocationPoll = SessionRevocationPoller.pollInterval(settings);
    settings.check();

    if (settings.optional(AuthSettings.RETIRED_TRUSTED_PROXIES).isPresent()) {
      log.warn("{} is no longer read: auth believes only client addresses the gateway signed",
          AuthSettings.RETIRED_TRUSTED_PROXIES);
    }
    OtpVerifier otp = auth.twilio().<OtpVerifier>map(TwilioOtpVerifier::create).orElseGet(DevModeOtpVerifier::new);
    if (auth.devMode()) {
      log.warn("{} is on: no SMS is sent and the only accepted code is {}; never use this in production",
          AuthSettings.DEV_MODE, DevModeOtpVerifier.CODE);
    }

    Database database = Database.start(databaseConfig.orElseThrow(), "auth-db");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "auth-rate-limit-cleanup");
      thread.setDaemon(true);
      return thread;
    });
    AutoCloseable stopScheduler = () -> stopScheduler(scheduler);
    SessionRevocationPoller poller = null;
    try {
      TokenManager tokens = jwt.tokenManager(clock);
      // Revocations by other auth instances arrive through the poller; this instance's own are
      // added by AuthService as it makes them.
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      poller = SessionRevocationPoller.start("auth", database.dataSource(), revocations, revocationPoll);
      RateLimitStore rateLimits = new RateLimitStore(database.dataSource());
      AuthService service = new AuthService(
          new UserStore(database.dataSource()),
          new DeviceSessionStore(database.dataSource()),
          rateLimits,
          SessionLimits.from(auth),
          otp,
          tokens,
          revocations,
          clock);

      GrpcServer.Builder builder = GrpcServer.builder("auth", port)
          // Order matters: the outcome logger first, so that it also sees calls the token check
          // refuses; the caller's token id after the check that validated it.
          .intercept(new RpcOutcomeLogger())
          .intercept(new ClientAddressInterceptor(ClientAddressSignature.fromJwtSecret(jwt.secret())))
          .intercept(new AuthInterceptor(tokens, revocations))
          .intercept(new CallerTokenInterceptor(tokens))
          .addService(new AuthGrpcService(service))
          .drainTimeout(drainTimeout)
          // closed in reverse order: the job stops before the pool it uses
          .closeOnStop(database)
          .closeOnStop(poller)
          .closeOnStop(stopScheduler);
      host.ifPresent(builder::host);
      builder.tls(tls);
      GrpcServer server = builder.start();

      long interval = auth.rateLimitCleanupInterval().toMillis();
      scheduler.scheduleWithFixedDelay(new RateLimitCleanup(rateLimits, clock), interval, interval,
          TimeUnit.MILLISECONDS);
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

  private static void stopScheduler(ScheduledExecutorService scheduler) {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
