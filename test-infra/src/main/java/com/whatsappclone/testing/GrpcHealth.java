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
    return of(port, "");
  }

  /** The status of one health service name (NOT_FOUND from the server is an exception). */
  public static ServingStatus of(int port, String service) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Waits until the server reports SERVING; {@code what} names it in the timeout's message. */
  public static void awaitServing(String what, int port) throws Exception {
    awaitServing(what, port, "");
  }

  /** Waits until the server reports {@code service} SERVING. */
  public static void awaitServing(String what, int port, String service) throws Exception {
    Eventually.await(what + " to serve", () -> {
      try {
        return of(port, service);
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
          return ServingStatus.UNKNOWN; // the service name is not registered yet
        }
        throw e;
      }
    }, s -> s == ServingStatus.SERVING);
  }
}
