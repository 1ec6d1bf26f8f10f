package com.whatsappclone.localstack;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Waits until a service's grpc.health.v1 answers SERVING, exactly as an operator's probe would. */
final class Readiness {
  private Readiness() {}

  static void awaitServing(String name, int port, Duration timeout) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Instant deadline = Instant.now().plus(timeout);
      String last = "no answer";
      while (Instant.now().isBefore(deadline)) {
        try {
          ServingStatus status = HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance())
              .getStatus();
          if (status == ServingStatus.SERVING) {
            return;
          }
          last = status.name();
        } catch (StatusRuntimeException e) {
          last = e.getStatus().getCode().name();
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(name + " on port " + port + " is not SERVING after " + timeout
          + " (last answer: " + last + ")");
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
