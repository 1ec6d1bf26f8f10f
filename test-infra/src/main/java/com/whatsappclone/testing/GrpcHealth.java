package com.whatsappclone.testing;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** The standard gRPC health check of a plaintext server on loopback, over a channel of its own. */
public final class GrpcHealth {

  private GrpcHealth() {}

  /** The server's overall status (the empty service name). */
  public static ServingStatus of(int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().build()).getStatus();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Waits until the server reports SERVING; {@code what} names it in the timeout's message. */
  public static void awaitServing(String what, int port) throws Exception {
    Eventually.await(what + " to serve", () -> of(port), s -> s == ServingStatus.SERVING);
  }
}
