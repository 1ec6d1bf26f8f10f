package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.testing.push.FakeFcm;
import com.whatsappclone.worker.push.PushNotifications;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With {@code PUSH_SHOW_CONTENT=true} a notification carries the text, shortened. */
@WithPostgres
@WithKafka
class WorkerPushContentTest {

  private static WorkerTestKit kit;
  private static FakeFcm fcm;

  @BeforeAll
  static void startWorkerShowingContent() throws Exception {
    kit = new WorkerTestKit();
    fcm = FakeFcm.start();
    Map<String, String> settings = new HashMap<>(fcm.settings());
    settings.put("PUSH_GROUP_ID", kit.groupId + "-push");
    settings.put("PUSH_SHOW_CONTENT", "true");
    MessageWorkerApplication.RunningWorker worker = kit.startRunningWorker(WorkerHooks.NONE, settings);
    WorkerTestKit.awaitServing(worker.server());
    GrpcHealth.awaitServing("push", worker.server().port(), PushNotifications.HEALTH_SERVICE);
  }

  @AfterAll
  static void stop() throws Exception {
    kit.close();
    fcm.close();
  }

  private static FakeFcm.Received pushFor(MessageSubmitted message, String token) throws Exception {
    kit.submit(message);
    return Eventually.await("a push", () -> fcm.received().stream().filter(r -> r.token().equals(token))
        .filter(r -> message.getMessageId().equals(r.data().get("message_id"))).findFirst(), found -> found.isPresent())
        .orElseThrow();
  }

  @Test
  void theTextIsShownAndALongOneIsShortenedTo200Characters() throws Exception {
    UUID bob = kit.createUser();
    UUID session = kit.deviceSession(bob);
    String token = "fcm-" + UUID.randomUUID();
    kit.registerPush(session, "fcm", token, false);
    UUID alice = kit.createUser();
    UUID direct = kit.createConversation(alice, bob);

    assertThat(pushFor(kit.message(direct, alice, "dinner at 8?", bob), token).body()).isEqualTo("dinner at 8?");
    String body = pushFor(kit.message(direct, alice, "ü".repeat(500), bob), token).body();
    assertThat(body.codePointCount(0, body.length())).isEqualTo(200);
    assertThat(body).startsWith("üüü").endsWith("…");
  }
}
