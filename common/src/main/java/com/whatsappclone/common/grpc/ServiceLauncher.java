package com.whatsappclone.common.grpc;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.common.db.UnrecognisedSchemaException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service's {@code main}: loads settings, starts it, and waits until SIGTERM. A settings
 * problem, or a database that start-up must not migrate, ends the process with exit code 2 and a
 * message saying what is wrong (every bad setting; what the database holds), not a stack trace.
 */
public final class ServiceLauncher {

  private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

  /** Builds and starts the service from settings; must call {@link Settings#check()} before side effects. */
  @FunctionalInterface
  public interface Starter {
    RunningServer start(Settings settings) throws Exception;
  }

  private ServiceLauncher() {}

  public static void run(String serviceName, Starter starter) {
    Settings settings = Settings.load();
    log.info("{} starting (env files read: {})", serviceName, settings.filesRead().isEmpty()
        ? "none" : settings.filesRead().stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
    RunningServer server;
    try {
      server = starter.start(settings);
    } catch (SettingsException | UnrecognisedSchemaException e) {
      log.error("{} cannot start. {}", serviceName, e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      log.error("{} failed to start", serviceName, e);
      System.exit(1);
      return;
    }
    server.stopOnShutdownSignal();
    try {
      server.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop();
    }
  }
}
