package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.MutableClock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParticipantCacheTest {

  private final MutableClock clock = MutableClock.startingNow();
  private final AtomicInteger loads = new AtomicInteger();
  private final UUID conversation = UUID.randomUUID();

  @Test
  void membersAreLoadedOnceUntilInvalidatedOrExpired() {
    ParticipantCache cache = new ParticipantCache(id -> Set.of("load " + loads.incrementAndGet()), 10,
        Duration.ofSeconds(60), clock);

    assertThat(cache.participants(conversation)).containsExactly("load 1");
    assertThat(cache.participants(conversation)).containsExactly("load 1");
    cache.invalidate(conversation);
    assertThat(cache.participants(conversation)).containsExactly("load 2");
    clock.advance(Duration.ofSeconds(61));
    assertThat(cache.participants(conversation)).as("past the TTL").containsExactly("load 3");
    cache.invalidateAll();
    assertThat(cache.participants(conversation)).containsExactly("load 4");
  }

  @Test
  void aLoadThatRacedWithAnInvalidationIsNotKept() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ParticipantCache cache = new ParticipantCache(id -> {
      int load = loads.incrementAndGet();
      if (load == 1) {
        loading.countDown();
        await(release);
      }
      return Set.of("load " + load);
    }, 10, Duration.ofSeconds(60), clock);

    CompletableFuture<Set<String>> stale = CompletableFuture.supplyAsync(() -> cache.participants(conversation));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    // The membership change committed after the load read the database: its invalidation must win.
    Thread invalidation = new Thread(() -> cache.invalidate(conversation), "invalidation");
    invalidation.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (invalidation.getState() != Thread.State.BLOCKED && invalidation.getState() != Thread.State.WAITING
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(invalidation.getState()).as("the invalidation waits for the load").isIn(Thread.State.BLOCKED, Thread.State.WAITING);
    release.countDown();
    invalidation.join(10_000);

    assertThat(stale.get(10, TimeUnit.SECONDS)).containsExactly("load 1");
    assertThat(cache.participants(conversation)).containsExactly("load 2");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
