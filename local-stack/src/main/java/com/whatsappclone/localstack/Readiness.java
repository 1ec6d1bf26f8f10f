package com.whatsappclone.localstack;

import com.whatsappclone.common.grpc.HealthProbe;
import com.whatsappclone.common.net.TlsSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a service's grpc.health.v1 answers SERVING, exactly as an operator's probe would
 * (over TLS, trusting the service's own certificate, when TLS_CERT_FILE is set).
 */
final class Readiness {
  private Readiness() {}

  static void awaitServing(String name, int port, TlsSettings tls, Duration timeout) throws InterruptedException {
    ManagedChannel channel = HealthProbe.channelToOwnServer("127.0.0.1:" + port, tls);
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
