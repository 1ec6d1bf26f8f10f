package com.whatsappclone.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  private final List<String> closed = new CopyOnWriteArrayList<>();

  private AutoCloseable named(String name) {
    return () -> closed.add(name);
  }

  private AutoCloseable failing(String name) {
    return () -> {
      closed.add(name);
      throw new IllegalStateException(name + " failed to close");
    };
  }

  @Test
  void closeClosesInReverseOrderOfPushAndOnlyOnce() throws Exception {
    Resources resources = new Resources();
    resources.push(named("pool"));
    resources.push(named("producer"));
    resources.push(named("job"));

    resources.close();
    resources.close();

    assertThat(closed).containsExactly("job", "producer", "pool");
  }

  @Test
  void closeGoesOnPastFailuresKeepingTheFirstAndSuppressingLaterOnes() {
    Resources resources = new Resources();
    resources.push(failing("pool"));
    resources.push(named("producer"));
    resources.push(failing("job"));

    assertThatThrownBy(resources::close)
        .hasMessage("job failed to close")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("pool failed to close"));
    assertThat(closed).containsExactly("job", "producer", "pool");
  }

  @Test
  void aFailedStartClosesWhatWasPushedAndRethrowsWithCloseFailuresSuppressed() {
    IllegalStateException startFailure = new IllegalStateException("port in use");

    assertThatThrownBy(() -> Resources.startOrClose(resources -> {
      resources.push(failing("pool"));
      resources.push(named("producer"));
      resources.push(failing("job"));
      throw startFailure;
    })).isSameAs(startFailure);

    assertThat(closed).containsExactly("job", "producer", "pool");
    assertThat(startFailure.getSuppressed()).extracting(Throwable::getMessage)
        .containsExactly("job failed to close", "pool failed to close");
  }

  @Test
  void aSuccessfulStartLeavesTheResourcesOpenForTheServersStop() throws Exception {
    Resources[] handedOver = new Resources[1];

    String result = Resources.startOrClose(resources -> {
      resources.push(named("pool"));
      handedOver[0] = resources;
      return "started";
    });

    assertThat(result).isEqualTo("started");
    assertThat(closed).isEmpty();
    handedOver[0].close();
    assertThat(closed).containsExactly("pool");
  }

  @Test
  void interruptOnCloseInterruptsARunningTaskAndWaitsForIt() throws Exception {
    Resources resources = new Resources();
    ExecutorService executor = resources.interruptOnClose(
        Executors.newSingleThreadExecutor(DaemonThreads.named("test-job")), Duration.ofSeconds(5));
    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    executor.execute(() -> {
      running.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    });
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

    resources.close();

    assertThat(executor.isTerminated()).isTrue();
    assertThat(interrupted).isTrue();
  }

  @Test
  void shutDownOnCloseLetsARunningTaskFinish() throws Exception {
    Resources resources = new Resources();
    ExecutorService executor = resources.shutDownOnClose(
        Executors.newSingleThreadExecutor(DaemonThreads.named("test-pool")), Duration.ofSeconds(5));
    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    executor.execute(() -> {
      running.countDown();
      try {
        Thread.sleep(200);
        finished.set(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

    resources.close();

    assertThat(executor.isTerminated()).isTrue();
    assertThat(finished).isTrue();
  }
}
