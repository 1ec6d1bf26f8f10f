package com.whatsappclone.common.grpc;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * A container health check without extra binaries: {@code java -cp service.jar
 * com.whatsappclone.common.grpc.HealthProbe localhost:50051} exits 0 only when the server answers
 * SERVING on grpc.health.v1.
 */
public final class HealthProbe {

  private HealthProbe() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1 || !args[0].contains(":")) {
      System.err.println("usage: HealthProbe host:port");
      System.exit(2);
    }
    String target = args[0];
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      ServingStatus status = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(3, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
      System.out.println(target + " " + status);
      System.exit(status == ServingStatus.SERVING ? 0 : 1);
    } catch (StatusRuntimeException e) {
      System.out.println(target + " " + e.getStatus().getCode());
      System.exit(1);
    } finally {
      channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
    }
  }
}
