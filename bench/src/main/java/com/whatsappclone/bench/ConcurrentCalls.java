package com.whatsappclone.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Runs {@code count} asynchronous calls with at most {@code concurrency} in flight (a closed loop:
 * the right way to measure how many calls per second a service completes) and tells the rate,
 * latencies and failures by status code.
 */
final class ConcurrentCalls {

  /** What a batch of calls did. */
  record Outcome(int succeeded, Map<String, Integer> failures, double seconds, Histogram latency) {

    double perSecond() {
      return seconds <= 0 ? 0 : succeeded / seconds;
    }

    Map<String, Object> describe() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("calls", succeeded);
      out.put("failures", failures);
      out.put("seconds", ResourceMonitor.round2(seconds));
      out.put("callsPerSecond", ResourceMonitor.round2(perSecond()));
      out.put("latency", Latency.summary(latency));
      return out;
    }
  }

  private ConcurrentCalls() {}

  static <T> Outcome run(int count, int concurrency, Duration timeout, IntFunction<ListenableFuture<T>> call,
      BiConsumer<Integer, T> onSuccess) throws InterruptedException {
    Semaphore permits = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(count);
    Histogram latency = Latency.newHistogram();
    Map<String, Integer> failures = new TreeMap<>();
    int[] succeeded = new int[1];
    long deadline = System.nanoTime() + timeout.toNanos();
    long start = System.nanoTime();
    int issued = 0;
    for (; issued < count; issued++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        break;
      }
      int index = issued;
      long sent = System.nanoTime();
      ListenableFuture<T> future;
      try {
        future = call.apply(index);
      } catch (RuntimeException e) {
        permits.release();
        done.countDown();
        synchronized (failures) {
          failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        }
        continue;
      }
      Futures.addCallback(future, new FutureCallback<T>() {
        @Override
        public void onSuccess(T result) {
          long elapsed = System.nanoTime() - sent;
          synchronized (failures) {
            latency.recordValue(Latency.micros(elapsed));
            succeeded[0]++;
          }
          try {
            onSuccess.accept(index, result);
          } finally {
            permits.release();
            done.countDown();
          }
        }

        @Override
        public void onFailure(Throwable t) {
          synchronized (failures) {
            failures.merge(Status.fromThrowable(t).getCode().name(), 1, Integer::sum);
          }
          permits.release();
          done.countDown();
        }
      }, MoreExecutors.directExecutor());
    }
    for (int never = issued; never < count; never++) {
      done.countDown();
    }
    long left = Math.max(0, deadline - System.nanoTime());
    boolean finished = done.await(left, TimeUnit.NANOSECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    synchronized (failures) {
      if (issued < count) {
        failures.merge("NOT_SENT_TIME_LIMIT", count - issued, Integer::sum);
      }
      if (!finished) {
        failures.merge("NO_ANSWER_TIME_LIMIT", (int) done.getCount(), Integer::sum);
      }
      return new Outcome(succeeded[0], Map.copyOf(failures), seconds, latency.copy());
    }
  }
}
