package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connecting devices recorded in group commits, on a real PostgreSQL. */
@WithPostgres
class PresenceWriterTest {

  static TestDatabase database;
  static SqlFixtures rows;
  static PresenceStore store;
  static PresenceWriter writer;
  static ExecutorService callers;

  final UUID instance = UUID.randomUUID();
  final Instant now = Instant.now();
  final Instant liveAfter = now.minusSeconds(30);

  @BeforeAll
  static void start() {
    database = PostgresExtension.newDatabase();
    DataSource dataSource = database.dataSource();
    Migrations.migrate(dataSource);
    rows = new SqlFixtures(database);
    store = new PresenceStore(dataSource);
    writer = new PresenceWriter(store);
    callers = Executors.newFixedThreadPool(32);
  }

  @AfterAll
  static void stop() throws Exception {
    callers.shutdownNow();
    writer.close();
  }

  UUID newUser() {
    return rows.newUser();
  }

  /** Connects each user's devices all at once; the "online" verdicts, user by user. */
  List<List<Boolean>> connectAtOnce(List<UUID> users, int devicesEach) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<List<Future<Boolean>>> calls = new ArrayList<>();
    for (UUID user : users) {
      List<Future<Boolean>> devices = new ArrayList<>();
      for (int i = 0; i < devicesEach; i++) {
        devices.add(callers.submit(() -> {
          go.await();
          return writer.connected(UUID.randomUUID(), user, Optional.of(UUID.randomUUID()), instance, now, liveAfter);
        }));
      }
      calls.add(devices);
    }
    go.countDown();
    List<List<Boolean>> out = new ArrayList<>();
    for (List<Future<Boolean>> devices : calls) {
      List<Boolean> verdicts = new ArrayList<>();
      for (Future<Boolean> device : devices) {
        verdicts.add(device.get());
      }
      out.add(verdicts);
    }
    return out;
  }

  long rowsOf(UUID user) {
    return rows.count("SELECT count(*) FROM realtime_connections WHERE user_id = ?", user);
  }

  @Test
  void ofAUsersDevicesConnectingAtOnceExactlyOneAnnouncesOnline() throws Exception {
    List<UUID> users = List.of(newUser(), newUser(), newUser(), newUser());

    List<List<Boolean>> verdicts = connectAtOnce(users, 6);

    for (int i = 0; i < users.size(); i++) {
      assertThat(verdicts.get(i).stream().filter(first -> first).count()).as("user %d", i).isEqualTo(1);
      assertThat(rowsOf(users.get(i))).isEqualTo(6);
    }
  }

  @Test
  void aUserAlreadyOnlineElsewhereIsNotAnnouncedAgain() throws Exception {
    UUID user = newUser();
    assertThat(store.connected(UUID.randomUUID(), user, Optional.empty(), UUID.randomUUID(), now, liveAfter))
        .isTrue();

    List<List<Boolean>> verdicts = connectAtOnce(List.of(user), 4);

    assertThat(verdicts.get(0)).containsOnly(false);
    assertThat(rowsOf(user)).isEqualTo(5);
  }

  @Test
  void aDeviceWhoseInstanceStoppedBeatingDoesNotCount() throws Exception {
    UUID user = newUser();
    // Connected on an instance whose last heartbeat is older than liveAfter: that row is stale.
    store.connected(UUID.randomUUID(), user, Optional.empty(), UUID.randomUUID(), liveAfter.minusSeconds(1),
        liveAfter.minusSeconds(60));

    List<List<Boolean>> verdicts = connectAtOnce(List.of(user), 3);

    assertThat(verdicts.get(0).stream().filter(first -> first).count()).isEqualTo(1);
  }

  @Test
  void inOneTransactionAUsersFirstDeviceOfTheListAnnouncesOnlineUnlessTheUserWasOnline() throws Exception {
    UUID alice = newUser();
    UUID bob = newUser();
    store.connected(UUID.randomUUID(), bob, Optional.empty(), UUID.randomUUID(), now, liveAfter);

    List<Boolean> first = store.connectedMany(List.of(connecting(alice), connecting(bob), connecting(alice),
        connecting(bob)));

    assertThat(first).containsExactly(true, false, false, false);
    assertThat(rowsOf(alice)).isEqualTo(2);
    assertThat(rowsOf(bob)).isEqualTo(3);
  }

  PresenceStore.Connecting connecting(UUID user) {
    return new PresenceStore.Connecting(UUID.randomUUID(), user, Optional.empty(), instance, now, liveAfter);
  }
}
