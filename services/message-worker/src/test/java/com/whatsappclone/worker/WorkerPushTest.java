package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.testing.push.FakeFcm;
import com.whatsappclone.worker.push.FakeApns;
import com.whatsappclone.worker.push.PushNotifications;
import com.whatsappclone.worker.push.PushStats;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Push through the real worker (issue 18): messages submitted as chat would, stored, read back
 * from {@code messages.stored} by push's own consumer group, and sent through the real FCM client
 * to a local server speaking FCM HTTP v1 and Google's OAuth2 token endpoint. Sessions, push
 * registrations and live connections are rows as auth and realtime write them.
 */
@WithPostgres
@WithKafka
class WorkerPushTest {

  private static final Duration ACK_GRACE = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static WorkerTestKit kit;
  private static final String APP_TOPIC = "com.example.messenger";

  private static FakeFcm fcm;
  private static FakeApns apns;
  private static PushNotifications push;

  @BeforeAll
  static void startWorkerWithPush() throws Exception {
    kit = new WorkerTestKit();
    fcm = FakeFcm.start();
    apns = FakeApns.start();
    Map<String, String> settings = new HashMap<>(fcm.settings());
    settings.putAll(apns.settings(APP_TOPIC));
    settings.put("PUSH_GROUP_ID", kit.groupId + "-push");
    settings.put("PUSH_ACK_GRACE", ACK_GRACE.toMillis() + "ms");
    MessageWorkerApplication.RunningWorker worker = kit.startRunningWorker(WorkerHooks.NONE, settings);
    WorkerTestKit.awaitServing(worker.server());
    GrpcHealth.awaitServing("push", worker.server().port(), PushNotifications.HEALTH_SERVICE);
    push = worker.push().orElseThrow();
  }

  @AfterAll
  static void stop() throws Exception {
    kit.close();
    fcm.close();
    apns.close();
  }

  /** A user with one signed-in phone registered for FCM, and no connection. */
  private record Phone(UUID user, UUID session, String token) {}

  private static Phone phone() {
    UUID user = kit.createUser();
    UUID session = kit.deviceSession(user);
    String token = "fcm-" + UUID.randomUUID();
    kit.registerPush(session, "fcm", token, false);
    return new Phone(user, session, token);
  }

  private static List<FakeFcm.Received> pushesTo(String token) {
    return fcm.received().stream().filter(r -> r.token().equals(token)).toList();
  }

  private static List<FakeFcm.Received> awaitPushesTo(String token, int count) throws Exception {
    return Eventually.await(count + " push(es) to one device", () -> pushesTo(token),
        pushes -> pushes.size() >= count);
  }

  /** Waits until push has planned and settled everything it was given (nothing waiting or in flight). */
  private static void awaitPushIdle() throws Exception {
    Eventually.await("push to go idle", push::backlog, backlog -> backlog == 0);
  }

  @Test
  void anOfflineDeviceGetsOnePushForANewMessage() throws Exception {
    Phone bob = phone();
    UUID alice = kit.createUser();
    UUID direct = kit.createConversation(alice, bob.user());
    MessageSubmitted hello = kit.message(direct, alice, "secret plans", bob.user());

    kit.submit(hello);

    FakeFcm.Received received = awaitPushesTo(bob.token(), 1).get(0);
    assertThat(received.collapseKey()).isEqualTo(direct.toString());
    assertThat(received.body()).isEqualTo("New message"); // content is off by default
    assertThat(received.data())
        .containsEntry("conversation_id", direct.toString())
        .containsEntry("message_id", hello.getMessageId())
        .containsEntry("sender_id", alice.toString())
        .containsEntry("unread", "1");
    assertThat(received.message().toString()).doesNotContain("secret plans");
    awaitPushIdle();
    assertThat(pushesTo(bob.token())).hasSize(1);
  }

  @Test
  void aConnectedDeviceThatAcknowledgesInTimeGetsNoPush() throws Exception {
    Phone online = phone();
    kit.connect(online.user(), online.session());
    Phone offline = phone();
    UUID sender = kit.createUser();
    UUID group = kit.createGroup(sender, online.user(), offline.user());
    MessageSubmitted message = kit.message(group, sender, "hi both", online.user(), offline.user());

    kit.submit(message);
    kit.awaitStored(group, 1);
    // What realtime writes when the connected device acknowledges.
    kit.update("UPDATE message_status SET delivered_at = now() WHERE message_id = ? AND user_id = ?",
        UUID.fromString(message.getMessageId()), online.user());

    awaitPushesTo(offline.token(), 1);
    // The grace ends, the check finds the message delivered: nothing more goes out.
    Thread.sleep(ACK_GRACE.multipliedBy(3).toMillis());
    awaitPushIdle();
    assertThat(pushesTo(online.token())).isEmpty();
  }

  @Test
  void aConnectedDeviceThatDoesNotAcknowledgeIsPushedAfterTheGrace() throws Exception {
    Phone frozen = phone();
    kit.connect(frozen.user(), frozen.session());
    UUID sender = kit.createUser();
    UUID direct = kit.createConversation(sender, frozen.user());
    MessageSubmitted message = kit.message(direct, sender, "are you there?", frozen.user());

    kit.submit(message);

    FakeFcm.Received received = awaitPushesTo(frozen.token(), 1).get(0);
    assertThat(received.data()).containsEntry("message_id", message.getMessageId());
  }

  @Test
  void revokedSessionsAndTheSendersOwnDevicesGetNoPush() throws Exception {
    Phone revoked = phone();
    kit.update("UPDATE user_devices SET revoked_at = now(), revoked_reason = 'revoked' WHERE id = ?",
        revoked.session());
    Phone control = phone();
    Phone sender = phone();
    UUID group = kit.createGroup(sender.user(), revoked.user(), control.user());

    kit.submit(kit.message(group, sender.user(), "hello", revoked.user(), control.user()));

    awaitPushesTo(control.token(), 1);
    awaitPushIdle();
    assertThat(pushesTo(revoked.token())).isEmpty();
    assertThat(pushesTo(sender.token())).isEmpty();
  }

  @Test
  void aTokenTheProviderReportsDeadIsRemovedFromItsSession() throws Exception {
    Phone gone = phone();
    fcm.unregister(gone.token());
    UUID sender = kit.createUser();
    UUID direct = kit.createConversation(sender, gone.user());

    kit.submit(kit.message(direct, sender, "hello?", gone.user()));

    Eventually.await("the dead token removed", () -> kit.count(
        "SELECT count(*) FROM user_devices WHERE id = ? AND push_notification_token IS NULL"
            + " AND push_platform IS NULL", gone.session()), n -> n == 1);
    assertThat(push.stats().tokensDead()).isPositive();
    assertThat(pushesTo(gone.token())).isEmpty();
  }

  @Test
  void aProviderOutageIsRetriedUntilThePushGoesThrough() throws Exception {
    Phone bob = phone();
    UUID sender = kit.createUser();
    UUID direct = kit.createConversation(sender, bob.user());
    long retriedBefore = push.stats().retried();
    fcm.failNext(2, 503, Duration.ofMillis(300));

    kit.submit(kit.message(direct, sender, "eventually", bob.user()));

    awaitPushesTo(bob.token(), 1);
    assertThat(push.stats().retried() - retriedBefore).isGreaterThanOrEqualTo(2);
  }

  @Test
  void messagesWaitingForOneDeviceCollapseIntoOneNotification() throws Exception {
    Phone bob = phone();
    UUID sender = kit.createUser();
    UUID direct = kit.createConversation(sender, bob.user());
    PushStats stats = push.stats();
    long collapsedBefore = stats.collapsed();
    MessageSubmitted first = kit.message(direct, sender, "1", bob.user());
    MessageSubmitted second = kit.message(direct, sender, "2", bob.user());
    MessageSubmitted third = kit.message(direct, sender, "3", bob.user());
    MessageSubmitted fourth = kit.message(direct, sender, "4", bob.user());
    fcm.stall();
    try {
      kit.submit(first);
      Eventually.await("the first push in flight", push::backlog, n -> n == 1);
      kit.submit(second, third, fourth);
      // Three more for the same device and conversation wait behind it, folded into one.
      Eventually.await("later messages collapsed", () -> stats.collapsed() - collapsedBefore, n -> n == 2);
    } finally {
      fcm.release();
    }

    List<FakeFcm.Received> pushes = awaitPushesTo(bob.token(), 2);
    awaitPushIdle();
    assertThat(pushesTo(bob.token())).hasSize(2);
    assertThat(pushes.get(0).data()).containsEntry("message_id", first.getMessageId())
        .containsEntry("unread", "1");
    assertThat(pushes.get(1).data()).containsEntry("message_id", fourth.getMessageId())
        .containsEntry("unread", "3");
  }

  @Test
  void anOfflineIphoneIsPushedThroughApnsWithTheAppsTopicAndTheConversationAsCollapseId() throws Exception {
    UUID bob = kit.createUser();
    UUID session = kit.deviceSession(bob);
    String deviceToken = randomHex(32);
    kit.registerPush(session, "apns", deviceToken, true);
    UUID alice = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);
    MessageSubmitted hello = kit.message(direct, alice, "hi from alice", bob);

    kit.submit(hello);

    FakeApns.Received received = Eventually.await("an APNs push", () -> apns.received().stream()
        .filter(r -> r.token().equals(deviceToken)).toList(), list -> !list.isEmpty()).get(0);
    assertThat(received.header("apns-topic")).isEqualTo(APP_TOPIC);
    assertThat(received.header("apns-collapse-id")).isEqualTo(direct.toString());
    assertThat(received.payload().path("aps").path("alert").path("body").asText()).isEqualTo("New message");
    assertThat(received.payload().path("message_id").asText()).isEqualTo(hello.getMessageId());
    assertThat(received.payload().path("conversation_id").asText()).isEqualTo(direct.toString());
  }

  @Test
  void anApnsTokenAppleReportsUnregisteredIsRemoved() throws Exception {
    UUID bob = kit.createUser();
    UUID session = kit.deviceSession(bob);
    String deviceToken = randomHex(32);
    kit.registerPush(session, "apns", deviceToken, false);
    apns.unregister(deviceToken);
    UUID alice = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);

    kit.submit(kit.message(direct, alice, "still there?", bob));

    Eventually.await("the unregistered token removed", () -> kit.count(
        "SELECT count(*) FROM user_devices WHERE id = ? AND push_notification_token IS NULL", session),
        n -> n == 1);
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new java.security.SecureRandom().nextBytes(random);
    return java.util.HexFormat.of().formatHex(random);
  }
}
