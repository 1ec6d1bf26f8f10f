package com.whatsappclone.realtime;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;
import java.time.Duration;

/** Starts the realtime service: its gRPC server with health, reflection and token checks. */
public final class RealtimeMain {

  private RealtimeMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("realtime", settings -> {
      int port = settings.port(ServicePorts.REALTIME_SERVICE_GRPC_PORT, ServicePorts.DEFAULT_REALTIME_SERVICE_GRPC_PORT);
      JwtSettings jwt = JwtSettings.from(settings);
      Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
      settings.check();

      return GrpcServer.builder("realtime", port)
          .intercept(new AuthInterceptor(jwt.tokenManager(Clock.systemUTC())))
          .drainTimeout(drainTimeout)
          .start();
    });
  }
}
