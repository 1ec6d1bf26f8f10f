package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refresh token rotations in group commits, on a real PostgreSQL. */
@WithPostgres
class RotationWriterTest {

  static final int CALLERS = 32;

  static SqlFixtures rows;
  static DeviceSessionStore store;
  static RotationWriter writer;
  static ExecutorService callers;

  final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

  @BeforeAll
  static void start() {
    TestDatabase database = PostgresExtension.newDatabase();
    DataSource dataSource = database.dataSource();
    Migrations.migrate(dataSource);
    rows = new SqlFixtures(database);
    store = new DeviceSessionStore(dataSource);
    writer = new RotationWriter(store);
    callers = Executors.newFixedThreadPool(CALLERS);
  }

  @AfterAll
  static void stop() throws Exception {
    callers.shutdownNow();
    writer.close();
  }

  /** A session of a new user whose current refresh token hash is {@code hash}. */
  UUID session(String hash) {
    UUID session = rows.deviceSession(rows.newUser());
    rows.update("UPDATE user_devices SET refresh_token_hash = ? WHERE id = ?", hash, session);
    return session;
  }

  UUID userOf(UUID session) {
    return UUID.fromString(rows.strings("SELECT user_id::text FROM user_devices WHERE id = ?", session).get(0));
  }

  DeviceSessionStore.Rotation rotation(UUID session, String oldHash, String newHash) {
    return new DeviceSessionStore.Rotation(session, userOf(session), oldHash, newHash, UUID.randomUUID(), now);
  }

  /** Runs every call at once (as far as the callers' pool allows); their answers in order. */
  static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> call : calls) {
      futures.add(callers.submit(() -> {
        go.await();
        return call.call();
      }));
    }
    go.countDown();
    List<T> answers = new ArrayList<>();
    for (Future<T> future : futures) {
      answers.add(future.get());
    }
    return answers;
  }

  @Test
  void concurrentRotationsOfDifferentSessionsAreAllAppliedWithTheirOwnTokens() throws Exception {
    List<UUID> sessions = new ArrayList<>();
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      UUID session = session("old-" + i + "-" + UUID.randomUUID());
      sessions.add(session);
      DeviceSessionStore.Rotation rotation = rotation(session,
          rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", session).get(0), "new-" + session);
      calls.add(() -> writer.rotate(rotation));
    }

    assertThat(atOnce(calls)).containsOnly(true).hasSize(200);
    for (UUID session : sessions) {
      assertThat(rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", session))
          .containsExactly("new-" + session);
      assertThat(rows.timestamp("SELECT last_used_at FROM user_devices WHERE id = ?", session)).contains(now);
    }
  }

  @Test
  void theSameTokenRotatedTwiceInOneBatchIsAppliedOnce() throws Exception {
    UUID session = session("current-" + UUID.randomUUID());
    String current = rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", session).get(0);
    // In one statement, the way a batch has them, and in the writer's own concurrent calls.
    List<Boolean> batch = store.rotateAll(List.of(rotation(session, current, "first"), rotation(session, current, "second")));

    assertThat(batch).containsExactlyInAnyOrder(true, false);
    String winner = batch.get(0) ? "first" : "second";
    assertThat(rows.strings("SELECT refresh_token_hash || ' ' || previous_refresh_token_hash FROM user_devices"
        + " WHERE id = ?", session)).containsExactly(winner + " " + current);

    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      DeviceSessionStore.Rotation again = rotation(session, winner, "racer-" + i);
      calls.add(() -> writer.rotate(again));
    }
    assertThat(atOnce(calls)).containsOnlyOnce(true);
  }

  @Test
  void aRevokedSessionOrAStaleTokenIsNotRotatedWhileTheRestOfItsBatchIs() throws Exception {
    UUID revoked = session("revoked-" + UUID.randomUUID());
    rows.update("UPDATE user_devices SET revoked_at = now() WHERE id = ?", revoked);
    UUID stale = session("stale-" + UUID.randomUUID());
    UUID fine = session("fine-" + UUID.randomUUID());
    String fineHash = rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", fine).get(0);
    String revokedHash = rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", revoked).get(0);

    List<Boolean> applied = store.rotateAll(List.of(rotation(revoked, revokedHash, "a"),
        rotation(stale, "not-its-hash", "b"), rotation(fine, fineHash, "c")));

    assertThat(applied).containsExactly(false, false, true);
    assertThat(rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", revoked))
        .containsExactly(revokedHash);
    assertThat(rows.strings("SELECT refresh_token_hash FROM user_devices WHERE id = ?", fine)).containsExactly("c");
  }
}
