package com.whatsappclone.common.grpc;

import java.util.OptionalInt;

/**
 * A started service as its launchers see it: where it listens and how to stop it. Implemented by
 * {@link GrpcServer} and by servers that need their own bootstrap (the gateway's proxying server).
 */
public interface RunningServer {

  /** The bound gRPC port (useful when started with port 0). */
  int port();

  /** The bound port of its metrics endpoint (GET /metrics, /health/*), when it serves one. */
  default OptionalInt metricsPort() {
    return OptionalInt.empty();
  }

  /** Drains in-flight calls, then closes the service's resources. Safe to call twice. */
  void stop();

  void awaitTermination() throws InterruptedException;

  /** Stops on SIGTERM / Ctrl-C. */
  RunningServer stopOnShutdownSignal();
}
