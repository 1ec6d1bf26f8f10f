package com.whatsappclone.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnavailableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  final ExecutorService callers = Executors.newCachedThreadPool();
  final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  /** Doubles every item; the first batch waits for {@code release} (so that the others queue up). */
  GroupCommit.Batch<Integer, Integer> doubling(CountDownLatch firstBatchEntered, CountDownLatch release) {
    return items -> {
      batches.add(List.copyOf(items));
      if (batches.size() == 1) {
        firstBatchEntered.countDown();
        await(release);
      }
      List<Integer> out = new ArrayList<>();
      items.forEach(i -> out.add(i * 2));
      return out;
    };
  }

  static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void callersWaitingWhileABatchIsWrittenShareTheNextBatchAndEachGetsItsOwnAnswer() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 1, 100, 100,
        doubling(entered, release), i -> -1)) {
      Future<Integer> first = callers.submit(() -> commits.write(0));
      await(entered);
      List<Future<Integer>> others = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        int item = i;
        others.add(callers.submit(() -> commits.write(item)));
      }
      while (queued(commits) < 20) {
        Thread.sleep(5);
      }
      release.countDown();

      assertThat(first.get()).isZero();
      for (int i = 0; i < others.size(); i++) {
        assertThat(others.get(i).get()).isEqualTo(2 * (i + 1));
      }
      assertThat(batches).hasSize(2);
      assertThat(batches.get(1)).hasSize(20);
    }
  }

  @Test
  void aRefusedBatchIsWrittenItemByItemAndOnlyTheBadItemFails() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GroupCommit.Batch<Integer, Integer> refusesSeven = items -> {
      GroupCommit.Batch<Integer, Integer> inner = doubling(entered, release);
      if (items.contains(7)) {
        batches.add(List.copyOf(items));
        throw new SQLException("seven is not allowed");
      }
      return inner.write(items);
    };
    GroupCommit.Single<Integer, Integer> single = i -> {
      if (i == 7) {
        throw new SQLException("seven is not allowed");
      }
      return i * 10;
    };
    try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 1, 100, 100, refusesSeven, single)) {
      Future<Integer> first = callers.submit(() -> commits.write(0));
      await(entered);
      List<Future<Integer>> others = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        int item = i;
        others.add(callers.submit(() -> commits.write(item)));
      }
      while (queued(commits) < 10) {
        Thread.sleep(5);
      }
      release.countDown();

      assertThat(first.get()).isZero();
      for (int i = 1; i <= 10; i++) {
        Future<Integer> answer = others.get(i - 1);
        if (i == 7) {
          assertThatThrownBy(answer::get).hasCauseInstanceOf(SQLException.class).hasMessageContaining("seven");
        } else {
          assertThat(answer.get()).as("item %d, written alone", i).isEqualTo(i * 10);
        }
      }
    }
  }

  @Test
  void beyondTheWaitingBoundACallerIsRefusedAtOnce() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test items", 1, 100, 2,
        doubling(entered, release), i -> -1)) {
      Future<Integer> first = callers.submit(() -> commits.write(0));
      await(entered);
      Future<Integer> second = callers.submit(() -> commits.write(1));
      Future<Integer> third = callers.submit(() -> commits.write(2));
      while (queued(commits) < 2) {
        Thread.sleep(5);
      }

      assertThatThrownBy(() -> commits.write(3)).isInstanceOf(ResourceExhaustedException.class)
          .hasMessageContaining("too many test items waiting");
      release.countDown();
      assertThat(List.of(first.get(), second.get(), third.get())).containsExactly(0, 2, 4);
    }
  }

  @Test
  void afterCloseACallerIsAnsweredUnavailable() throws Exception {
    GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 2, 10, 10, items -> items, i -> i);
    commits.close();

    assertThatThrownBy(() -> commits.write(1)).isInstanceOf(UnavailableException.class);
  }

  /** Items queued behind the batch being written. */
  static int queued(GroupCommit<?, ?> commits) {
    return commits.waiting();
  }
}
