package com.whatsappclone.worker.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.testing.push.FakeFcm;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The dispatcher's rules that depend on time (the per-device rate, giving up), driven by a clock
 * the test moves, through the real FCM client and a local FCM server.
 */
@WithPostgres
class PushDispatcherTest {

  private final TestDatabase database = PostgresExtension.newDatabase();
  private final SqlFixtures rows = new SqlFixtures(database);
  private final MutableClock clock = MutableClock.startingNow();
  private FakeFcm fcm;
  private PushProviders providers;
  private PushDispatcher dispatcher;

  @BeforeEach
  void start() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(database.jdbcUrl());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password());
    Migrations.migrate(dataSource);
    fcm = FakeFcm.start();
    providers = PushProviders.from(Settings.of(fcm.settings()));
    PushSettings settings = new PushSettings("unused", false, Duration.ofSeconds(10), 2, 100, 1_000, 8,
        Duration.ofMinutes(1), Duration.ofSeconds(30));
    dispatcher = new PushDispatcher(Map.of(PushPlatform.FCM, providers.sender(PushPlatform.FCM).orElseThrow()),
        new PushRegistrationStore(dataSource), settings, clock, new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    providers.close();
    fcm.close();
  }

  private PushTarget registeredPhone() {
    UUID user = rows.newUser();
    UUID session = rows.deviceSession(user);
    String token = "fcm-" + UUID.randomUUID();
    rows.registerPush(session, "fcm", token, false);
    return new PushTarget(session, user, PushPlatform.FCM, token, Optional.empty(), false);
  }

  private static PushNotification about(String conversation) {
    return new PushNotification(conversation, UUID.randomUUID().toString(),
        UUID.randomUUID().toString(), 1, Optional.empty());
  }

  private List<String> conversationsPushed(PushTarget target) {
    return fcm.received().stream().filter(r -> r.token().equals(target.token()))
        .map(FakeFcm.Received::collapseKey).toList();
  }

  private void awaitIdle() throws Exception {
    Eventually.await("the dispatcher to go idle", dispatcher::backlog, n -> n == 0);
  }

  @Test
  void aDeviceOverItsRatePerMinuteWaitsUntilItsBucketRefills() throws Exception {
    PushTarget phone = registeredPhone();

    dispatcher.offer(phone, about("a"));
    dispatcher.offer(phone, about("b"));
    dispatcher.offer(phone, about("c"));

    Eventually.await("two pushes", () -> conversationsPushed(phone), pushed -> pushed.size() == 2);
    Eventually.await("\"c\" waiting for the bucket", dispatcher::backlog, n -> n == 1);
    clock.advance(Duration.ofSeconds(31)); // 2 a minute: one token back every 30 s
    dispatcher.offer(phone, about("d")); // wakes the dispatcher at the new time
    Eventually.await("a third push", () -> conversationsPushed(phone), pushed -> pushed.size() == 3);
    List<String> pushed = conversationsPushed(phone);
    assertThat(pushed.subList(0, 2)).containsExactlyInAnyOrder("a", "b"); // sent together
    assertThat(pushed.get(2)).isEqualTo("c");
    Eventually.await("\"d\" waiting in turn", dispatcher::backlog, n -> n == 1);
  }

  @Test
  void anotherDeviceIsNotHeldBackByOneOverItsRate() throws Exception {
    PushTarget busy = registeredPhone();
    PushTarget quiet = registeredPhone();
    dispatcher.offer(busy, about("a"));
    dispatcher.offer(busy, about("b"));
    dispatcher.offer(busy, about("c"));

    dispatcher.offer(quiet, about("x"));

    Eventually.await("the quiet device's push", () -> conversationsPushed(quiet), pushed -> pushed.size() == 1);
    assertThat(conversationsPushed(busy)).hasSize(2);
  }

  @Test
  void aPushStillRefusedAfterTheGiveUpTimeIsDropped() throws Exception {
    PushTarget phone = registeredPhone();
    fcm.failNext(1_000, 503, Duration.ofSeconds(1));

    dispatcher.offer(phone, about("a"));
    Eventually.await("a first retry", () -> dispatcher.stats().retried(), n -> n >= 1);
    clock.advance(Duration.ofMinutes(2)); // past PUSH_GIVE_UP_AFTER (1 minute here)

    Eventually.await("given up", () -> dispatcher.stats().gaveUp(), n -> n == 1);
    awaitIdle();
    assertThat(conversationsPushed(phone)).isEmpty();
  }

  @Test
  void aRetryForASessionRevokedMeanwhileIsDropped() throws Exception {
    PushTarget phone = registeredPhone();
    fcm.failNext(1, 503, Duration.ofSeconds(1));
    rows.update("UPDATE user_devices SET revoked_at = now(), push_notification_token = NULL WHERE id = ?",
        phone.sessionId());

    dispatcher.offer(phone, about("a"));

    Eventually.await("the retry dropped", () -> dispatcher.stats().dropped(), n -> n == 1);
    awaitIdle();
    assertThat(conversationsPushed(phone)).isEmpty();
  }
}
