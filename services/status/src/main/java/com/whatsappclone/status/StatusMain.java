package com.whatsappclone.status;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;
import java.time.Duration;

/** Starts the status service: its gRPC server with health, reflection and token checks. */
public final class StatusMain {

  private StatusMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("status", settings -> {
      int port = settings.port(ServicePorts.STATUS_SERVICE_GRPC_PORT, ServicePorts.DEFAULT_STATUS_SERVICE_GRPC_PORT);
      JwtSettings jwt = JwtSettings.from(settings);
      Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
      settings.check();

      return GrpcServer.builder("status", port)
          .intercept(new AuthInterceptor(jwt.tokenManager(Clock.systemUTC())))
          .drainTimeout(drainTimeout)
          .start();
    });
  }
}
