package com.whatsappclone.auth;

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
import com.whatsappclone.common.net.ClientAddressInterceptor;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.common.privacy.PrivacyStore;
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
  public static final String GRPC_BIND_HOST = GrpcServerSettings.BIND_HOST;
  /** How long a cleanup pass interrupted at stop may take to notice. */
  private static final Duration SCHEDULER_STOP_WAIT = Duration.ofSeconds(10);

  private AuthApplication() {}

  /**
   * Starts the service and returns its running server; {@link GrpcServer#stop()} stops the
   * cleanup job and closes the pool.
   *
   * @throws com.whatsappclone.common.config.SettingsException naming every missing or bad setting,
   *     e.g. the Twilio credentials when dev mode is off
   */
  public static GrpcServer start(Settings settings, Clock clock) {
    return start(settings, clock, ServiceMetrics.fromSettings(settings, "auth",
        ServicePorts.AUTH_SERVICE_METRICS_PORT, ServicePorts.DEFAULT_AUTH_SERVICE_METRICS_PORT));
  }

  /** As {@link #start(Settings, Clock)}, counting into {@code metrics} (tests read them back). */
  public static GrpcServer start(Settings settings, Clock clock, ServiceMetrics metrics) {
    GrpcServerSettings grpc = GrpcServerSettings.from(settings, ServicePorts.AUTH_SERVICE_GRPC_PORT,
        ServicePorts.DEFAULT_AUTH_SERVICE_GRPC_PORT);
    JwtSettings jwt = JwtSettings.from(settings);
    Optional<DatabaseConfig> databaseConfig = DatabaseSettings.from(settings);
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

    // Closed in reverse at stop or after a failed start: the job stops before the pool it uses.
    // One registry per service instance (the caller's); every part that counts something gets it (issue 19).
    return Resources.startOrClose(resources -> {
      Database database = resources.push(Database.start(databaseConfig.orElseThrow(), "auth-db", metrics));
      TokenManager tokens = jwt.tokenManager(clock);
      // Revocations by other auth instances arrive through the poller; this instance's own are
      // added by AuthService as it makes them.
      SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);
      resources.push(SessionRevocationPoller.start("auth", database.dataSource(), revocations, revocationPoll));
      ScheduledExecutorService scheduler = resources.interruptOnClose(
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("auth-rate-limit-cleanup")),
          SCHEDULER_STOP_WAIT);
      RateLimitStore rateLimits = new RateLimitStore(database.dataSource());
      UserStore userStore = new UserStore(database.dataSource());
      AuthMetrics signIn = new AuthMetrics(metrics.registry());
      DeviceSessionStore sessions = new DeviceSessionStore(database.dataSource());
      // Closed before the database pool: rotations already queued are written and answered.
      RotationWriter rotations = resources.push(new RotationWriter(sessions));
      AuthService service = new AuthService(userStore, sessions, rotations, rateLimits, SessionLimits.from(auth),
          otp, tokens, revocations, clock, signIn);

      ContactStore contactStore = new ContactStore(database.dataSource());
      // Auth reads privacy the way the other services do: common's one reader.
      PrivacyStore privacyStore = new PrivacyStore(database.dataSource());
      ContactsService contacts = new ContactsService(userStore, contactStore, privacyStore, rateLimits,
          auth.contactDiscoveryPerUser(), clock, signIn);
      PrivacyService privacy = new PrivacyService(userStore, new BlockStore(database.dataSource()),
          new PrivacySettingsStore(database.dataSource()), privacyStore, clock);
      PushRegistrationService push = new PushRegistrationService(
          new PushRegistrationStore(database.dataSource()), clock);

      GrpcServer server = GrpcServer.builder("auth", grpc)
          .refusalsFollow(database)
          .readyWhen("database", database::unreachable)
          // Order matters: the outcome log first, so that it also sees calls the token check
          // refuses; the caller's token id after the check that validated it.
          .intercept(CallLog.interceptor())
          .intercept(new ClientAddressInterceptor(ClientAddressSignature.fromJwtSecret(jwt.secret())))
          .intercept(new AuthInterceptor(tokens, revocations))
          .intercept(new CallerTokenInterceptor(tokens))
          .addService(new AuthGrpcService(service, contacts, privacy, push))
          .metrics(metrics)
          .closeOnStop(resources)
          .start();
      long interval = auth.rateLimitCleanupInterval().toMillis();
      scheduler.scheduleWithFixedDelay(new RateLimitCleanup(rateLimits, contactStore, clock), interval, interval,
          TimeUnit.MILLISECONDS);
      return server;
    });
  }
}
