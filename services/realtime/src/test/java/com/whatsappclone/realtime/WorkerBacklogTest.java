package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.Eventually;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** New connections are refused while the worker queue is 90 % taken, and admitted once it drains. */
class WorkerBacklogTest {

  @Test
  void refusesNewConnectionsFromNineTenthsOfTheQueueUntilItDrains() throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(20));
    CountDownLatch release = new CountDownLatch(1);
    try {
      WorkerBacklog backlog = new WorkerBacklog(pool);
      pool.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Eventually.await("the worker busy", pool::getActiveCount, n -> n == 1);
      for (int i = 0; i < 17; i++) {
        pool.execute(() -> { });
      }
      assertThat(backlog.refusesNewConnections()).as("17 of 20 queued").isFalse();

      pool.execute(() -> { });
      assertThat(backlog.refusesNewConnections()).as("18 of 20 queued").isTrue();

      release.countDown();
      Eventually.await("the queue drained", () -> pool.getQueue().size(), n -> n == 0);
      assertThat(backlog.refusesNewConnections()).isFalse();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
