package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Receipt cursors moved in group commits, on a real PostgreSQL. */
@WithPostgres
class ReceiptCursorWriterTest {

  static TestDatabase database;
  static SqlFixtures rows;
  static ReceiptCatchUpStore store;
  static ReceiptCursorWriter writer;
  static ExecutorService callers;

  UUID user;
  final Instant start = Instant.parse("2026-12-04T10:00:00Z");

  @BeforeAll
  static void start() {
    database = PostgresExtension.newDatabase();
    DataSource dataSource = database.dataSource();
    Migrations.migrate(dataSource);
    rows = new SqlFixtures(database);
    store = new ReceiptCatchUpStore(dataSource);
    writer = new ReceiptCursorWriter(store);
    callers = Executors.newFixedThreadPool(32);
  }

  @AfterAll
  static void stop() throws Exception {
    callers.shutdownNow();
    writer.close();
  }

  @BeforeEach
  void newUser() {
    user = rows.newUser();
  }

  @Test
  void devicesRecordingAtOnceEachGetTheirCursorAndASessionKeepsItsLatest() throws Exception {
    List<UUID> sessions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sessions.add(UUID.randomUUID());
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> calls = new ArrayList<>();
    // Four callers per session at once, at start + 1..4 s: whatever the batches, each session
    // ends at its latest, and two cursors of one session in one statement are no error.
    for (UUID session : sessions) {
      for (int second = 1; second <= 4; second++) {
        Instant at = start.plusSeconds(second);
        calls.add(callers.submit(() -> {
          go.await();
          writer.record(session, user, at);
          return null;
        }));
      }
    }
    go.countDown();
    for (Future<?> call : calls) {
      call.get();
    }

    for (UUID session : sessions) {
      assertThat(store.syncedAt(session)).contains(start.plusSeconds(4));
    }
  }

  @Test
  void aCursorNeverMovesBack() throws Exception {
    UUID session = UUID.randomUUID();
    Instant at = start.plus(Duration.ofMillis(1234)).plus(567, ChronoUnit.MICROS);

    writer.record(session, user, at);
    writer.record(session, user, at.minusSeconds(60));

    assertThat(store.syncedAt(session)).contains(at);
  }

  @Test
  void twoCursorsOfOneSessionInOneStatementLeaveTheLaterOne() throws Exception {
    UUID session = UUID.randomUUID();
    UUID other = UUID.randomUUID();

    store.recordMany(List.of(
        new ReceiptCatchUpStore.Cursor(session, user, start.plusSeconds(2)),
        new ReceiptCatchUpStore.Cursor(other, user, start),
        new ReceiptCatchUpStore.Cursor(session, user, start.plusSeconds(1))));

    assertThat(store.syncedAt(session)).contains(start.plusSeconds(2));
    assertThat(store.syncedAt(other)).contains(start);
  }
}
