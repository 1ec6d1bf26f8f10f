package com.whatsappclone.gateway;

import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;

/** Starts the API gateway: the single gRPC entry point for clients, forwarding to the backends. */
public final class ApiGatewayMain {

  private ApiGatewayMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("api-gateway", settings -> ApiGatewayApplication.start(settings, Clock.systemUTC()));
  }
}
