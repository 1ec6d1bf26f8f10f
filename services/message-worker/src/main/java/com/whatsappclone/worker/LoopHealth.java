package com.whatsappclone.worker;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/** Reports the consumer loop's state as the worker's overall gRPC health. */
final class LoopHealth implements MessageConsumerLoop.Listener {

  private volatile HealthStatusManager health;

  /** From now on the loop's state is reported here; NOT_SERVING until the loop runs. */
  void attach(HealthStatusManager health) {
    this.health = health;
    health.setStatus("", ServingStatus.NOT_SERVING);
  }

  @Override
  public void running() {
    set(ServingStatus.SERVING);
  }

  @Override
  public void stopped(Throwable cause) {
    set(ServingStatus.NOT_SERVING);
  }

  private void set(ServingStatus status) {
    HealthStatusManager current = health;
    if (current != null) {
      current.setStatus("", status);
    }
  }
}
