package com.whatsappclone.worker;

import com.whatsappclone.common.grpc.Readiness;
import java.util.Collection;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer loop's state as the worker's readiness condition "partitions": ready once the loop
 * runs and the consumer group has given this worker its share of the partitions at least once, so
 * a message submitted now is stored without waiting for the group (after a crash the group may
 * first wait for a dead member's session to time out). An empty share also counts: then the other
 * members own every partition. Not ready before that and once the loop has ended. Later
 * rebalances (a member joins or leaves, seconds) do not make it unready again: they are brief and
 * normal. Falling behind is a condition of its own ("lag", {@link ConsumerLag}).
 */
final class LoopHealth implements MessageConsumerLoop.Listener, Readiness.Check {

  private volatile boolean assigned;
  private volatile Throwable ended;
  private volatile boolean stopped;
  private volatile Readiness readiness;

  /** Whom to ask for a new verdict when the loop's state changes (else it is seen within a second). */
  void reportTo(Readiness readiness) {
    this.readiness = readiness;
    readiness.recheck();
  }

  @Override
  public Optional<String> problem() {
    if (stopped) {
      return Optional.of("the consumer loop has stopped" + (ended == null ? "" : ": " + ended));
    }
    return assigned ? Optional.empty()
        : Optional.of("the consumer group has not given this worker its partitions yet");
  }

  @Override
  public void running() {
    // subscribed, but the group has not assigned anything yet: still not ready
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    assigned = true;
    recheck();
  }

  @Override
  public void stopped(Throwable cause) {
    ended = cause;
    stopped = true;
    recheck();
  }

  private void recheck() {
    Readiness current = readiness;
    if (current != null) {
      current.recheck();
    }
  }
}
