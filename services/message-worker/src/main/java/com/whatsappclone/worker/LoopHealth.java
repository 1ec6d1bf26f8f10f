package com.whatsappclone.worker;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/**
 * Reports the consumer loop's state as the worker's overall gRPC health. SERVING means: the loop
 * runs and the consumer group has given this worker its share of the partitions at least once, so
 * a message submitted now is stored without waiting for the group (after a crash the group may
 * first wait for a dead member's session to time out). An empty share also counts: then the other
 * members own every partition. NOT_SERVING before that and once the loop has ended. Later
 * rebalances (a member joins or leaves, seconds) do not flip it back: they are brief and normal,
 * and a health check that flapped with them would get a healthy worker restarted. Falling behind is
 * logged ({@link ConsumerLag}), not reported here: a slow worker is still the one to keep.
 */
final class LoopHealth implements MessageConsumerLoop.Listener {

  private volatile HealthStatusManager health;
  private volatile boolean ended;

  /** From now on the loop's state is reported here; NOT_SERVING until the loop has partitions. */
  void attach(HealthStatusManager health) {
    this.health = health;
    health.setStatus("", ServingStatus.NOT_SERVING);
  }

  @Override
  public void running() {
    // subscribed, but the group has not assigned anything yet: still NOT_SERVING
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    if (!ended) {
      set(ServingStatus.SERVING);
    }
  }

  @Override
  public void stopped(Throwable cause) {
    ended = true;
    set(ServingStatus.NOT_SERVING);
  }

  private void set(ServingStatus status) {
    HealthStatusManager current = health;
    if (current != null) {
      current.setStatus("", status);
    }
  }
}
