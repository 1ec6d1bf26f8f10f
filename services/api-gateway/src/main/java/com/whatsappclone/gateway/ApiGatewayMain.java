package com.whatsappclone.gateway;

import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.config.JwtSettings;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;
import java.time.Duration;

/** Starts the api-gateway service: its gRPC server with health, reflection and token checks. */
public final class ApiGatewayMain {

  private ApiGatewayMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("api-gateway", settings -> {
      int port = settings.port(ServicePorts.API_GATEWAY_GRPC_PORT, ServicePorts.DEFAULT_API_GATEWAY_GRPC_PORT);
      JwtSettings jwt = JwtSettings.from(settings);
      Duration drainTimeout = settings.duration("GRPC_DRAIN_TIMEOUT", Duration.ofSeconds(20));
      settings.check();

      return GrpcServer.builder("api-gateway", port)
          .intercept(new AuthInterceptor(jwt.tokenManager(Clock.systemUTC())))
          .drainTimeout(drainTimeout)
          .start();
    });
  }
}
