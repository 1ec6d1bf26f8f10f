package com.whatsappclone.worker;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;
import java.time.Duration;

/** Starts the message-worker service: its gRPC server with health, reflection and token checks. */
public final class MessageWorkerMain {

  private MessageWorkerMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("message-worker", settings -> {
      int port = settings.port(ServicePorts.MESSAGE_WORKER_GRPC_PORT, ServicePorts.DEFAULT_MESSAGE_WORKER_GRPC_PORT);
      JwtSettings jwt = JwtSettings.from(settings);
      Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
      settings.check();

      return GrpcServer.builder("message-worker", port)
          .intercept(new AuthInterceptor(jwt.tokenManager(Clock.systemUTC())))
          .drainTimeout(drainTimeout)
          .start();
    });
  }
}
