package com.whatsappclone.common.grpc;

import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown every gRPC server here follows: report NOT_SERVING, stop accepting calls, end the
 * calls that never end by themselves (realtime's streams), let in-flight calls finish for up to the
 * drain timeout, cancel what is left, then close the server's resources (pools, producers,
 * channels) last registered first.
 */
public final class GracefulShutdown {

  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  private GracefulShutdown() {}

  public static void drainThenClose(String name, Server server, HealthStatusManager health,
      Duration drainTimeout, Runnable endOpenStreams, AutoCloseable resources) {
    log.info("{} stopping: draining in-flight calls for up to {}", name, drainTimeout);
    health.enterTerminalState();
    server.shutdown();
    try {
      endOpenStreams.run();
    } catch (RuntimeException e) {
      log.warn("{}: ending its open streams failed", name, e);
    }
    try {
      if (!server.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{}: calls still running after {}, cancelling them", name, drainTimeout);
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    try {
      resources.close();
    } catch (Exception e) {
      log.warn("{}: closing its resources failed", name, e);
    }
    log.info("{} stopped", name);
  }

  /** grpc.reflection.v1alpha: older Postman and grpcurl builds only speak this one. */
  @SuppressWarnings("deprecation")
  public static io.grpc.BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }
}
