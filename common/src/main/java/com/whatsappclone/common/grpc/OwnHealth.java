package com.whatsappclone.common.grpc;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server's overall health ({@code grpc.health.v1}, service "") as its own health service answers
 * a Check, asked in process: the metrics endpoint's /health/ready then says exactly what the gRPC
 * probes see, whoever set the status (the server itself, the worker's loop, the gateway's backend
 * monitor, the drain at stop), without a second record of it.
 */
final class OwnHealth {

  private static final HealthCheckRequest OVERALL = HealthCheckRequest.getDefaultInstance();

  private OwnHealth() {}

  /** SERVICE_UNKNOWN when no overall status was ever set. */
  static ServingStatus overall(HealthStatusManager health) {
    // grpc-java's health service (HealthImplBase) answers Check synchronously, from its map.
    HealthGrpc.AsyncService service = (HealthGrpc.AsyncService) health.getHealthService();
    AtomicReference<ServingStatus> answer = new AtomicReference<>(ServingStatus.UNKNOWN);
    service.check(OVERALL, new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse response) {
        answer.set(response.getStatus());
      }

      @Override
      public void onError(Throwable error) {
        // NOT_FOUND: nothing reported for "" yet
        answer.set(Status.fromThrowable(error).getCode() == Status.Code.NOT_FOUND
            ? ServingStatus.SERVICE_UNKNOWN : ServingStatus.UNKNOWN);
      }

      @Override
      public void onCompleted() {}
    });
    return answer.get();
  }
}
