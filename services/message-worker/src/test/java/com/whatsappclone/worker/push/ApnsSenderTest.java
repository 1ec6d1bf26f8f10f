package com.whatsappclone.worker.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.server.RejectionReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.whatsappclone.common.config.Settings;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApnsSenderTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOPIC = "com.example.chat";
  // APNs tokens are 64 hex digits
  private static final String TOKEN = "a".repeat(64);
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private FakeApns apns;
  private PushProviders providers;

  @BeforeEach
  void start() throws Exception {
    apns = FakeApns.start();
    providers = providers(apns.settings(TOPIC));
  }

  @AfterEach
  void stop() throws Exception {
    providers.close();
    apns.close();
  }

  @Test
  void sendsAnImmediateAlertWithTheConversationAsThreadAndCollapseId() throws Exception {
    PushNotification notification = new PushNotification("conv-1", "msg-9", "user-3", 2, Optional.of("see you at 8"));

    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false), notification);

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.SENT);
    FakeApns.Received received = apns.received().get(0);
    assertThat(received.token()).isEqualTo(TOKEN);
    assertThat(received.header("apns-topic")).isEqualTo(TOPIC);
    assertThat(received.header("apns-collapse-id")).isEqualTo("conv-1");
    assertThat(received.header("apns-push-type")).isEqualTo("alert");
    assertThat(received.header("apns-priority")).isEqualTo("10");
    assertThat(received.header("apns-expiration"))
        .isEqualTo(Long.toString(NOW.plus(ApnsSender.EXPIRATION).getEpochSecond()));
    JsonNode aps = received.payload().path("aps");
    assertThat(aps.path("alert").path("body").asText()).isEqualTo("see you at 8");
    assertThat(aps.path("sound").asText()).isEqualTo("default");
    assertThat(aps.path("thread-id").asText()).isEqualTo("conv-1");
    assertThat(received.payload().path("conversation_id").asText()).isEqualTo("conv-1");
    assertThat(received.payload().path("message_id").asText()).isEqualTo("msg-9");
    assertThat(received.payload().path("sender_id").asText()).isEqualTo("user-3");
    assertThat(received.payload().path("unread").asInt()).isEqualTo(2);
  }

  @Test
  void withoutContentTheAlertReadsNewMessage() throws Exception {
    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false),
        new PushNotification("conv-1", "msg-1", "user-3", 1, Optional.empty()));

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.SENT);
    assertThat(apns.received().get(0).payload().path("aps").path("alert").path("body").asText()).isEqualTo("New message");
  }

  @Test
  void theRegistrationsTopicWinsOverTheDefault() throws Exception {
    send(target(TOKEN, Optional.of("com.example.chat.beta"), false), notification());

    assertThat(apns.received().get(0).header("apns-topic")).isEqualTo("com.example.chat.beta");
  }

  @Test
  void sandboxTokensGoToTheSandboxServer() throws Exception {
    try (FakeApns sandbox = FakeApns.start()) {
      Map<String, String> settings = new HashMap<>(apns.settings(TOPIC));
      settings.put("PUSH_APNS_SANDBOX_SERVER", sandbox.server());
      try (PushProviders split = providers(settings)) {
        PushSender sender = split.sender(PushPlatform.APNS).orElseThrow();

        PushOutcome toSandbox = sender.send(target("b".repeat(64), Optional.empty(), true), notification())
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        PushOutcome toProduction = sender.send(target("c".repeat(64), Optional.empty(), false), notification())
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(toSandbox.kind()).isEqualTo(PushOutcome.Kind.SENT);
        assertThat(toProduction.kind()).isEqualTo(PushOutcome.Kind.SENT);
        assertThat(sandbox.received()).extracting(FakeApns.Received::token).containsExactly("b".repeat(64));
        assertThat(apns.received()).extracting(FakeApns.Received::token).containsExactly("c".repeat(64));
      }
    }
  }

  @Test
  void aBadDeviceTokenIsDead() throws Exception {
    apns.reject(TOKEN, RejectionReason.BAD_DEVICE_TOKEN);

    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.TOKEN_DEAD);
    assertThat(outcome.detail()).isEqualTo("BadDeviceToken");
  }

  @Test
  void anUnregisteredTokenIsDead() throws Exception {
    apns.unregister(TOKEN);

    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.TOKEN_DEAD);
    assertThat(outcome.detail()).isEqualTo("Unregistered");
  }

  @Test
  void aTokenForAnotherTopicIsRejectedNotForgotten() throws Exception {
    // As often a wrong PUSH_APNS_TOPIC as a dead token: never a reason to delete registrations.
    apns.reject(TOKEN, RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC);

    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.REJECTED);
    assertThat(outcome.detail()).isEqualTo("DeviceTokenNotForTopic");
  }

  @Test
  void serviceUnavailableIsRetriedAndThenGoesThrough() throws Exception {
    apns.failNext(1, RejectionReason.SERVICE_UNAVAILABLE);

    PushOutcome first = send(target(TOKEN, Optional.empty(), false), notification());
    PushOutcome second = send(target(TOKEN, Optional.empty(), false), notification());

    assertThat(first.kind()).isEqualTo(PushOutcome.Kind.RETRY);
    assertThat(first.detail()).isEqualTo("ServiceUnavailable");
    assertThat(second.kind()).isEqualTo(PushOutcome.Kind.SENT);
    assertThat(apns.received()).hasSize(1);
  }

  @Test
  void tooManyRequestsIsRetried() throws Exception {
    apns.failNext(1, RejectionReason.TOO_MANY_REQUESTS);

    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.RETRY);
    assertThat(outcome.detail()).isEqualTo("TooManyRequests");
  }

  @Test
  void otherRejectionsAreFinal() throws Exception {
    apns.reject(TOKEN, RejectionReason.TOPIC_DISALLOWED);

    PushOutcome outcome = send(target(TOKEN, Optional.empty(), false), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.REJECTED);
    assertThat(outcome.detail()).isEqualTo("TopicDisallowed");
  }

  @Test
  void aStalledServerIsARetryOnceTheTimeoutPasses() throws Exception {
    Map<String, String> settings = new HashMap<>(apns.settings(TOPIC));
    settings.put("PUSH_PROVIDER_TIMEOUT", "300ms");
    try (PushProviders impatient = providers(settings)) {
      apns.stall();

      PushOutcome outcome = impatient.sender(PushPlatform.APNS).orElseThrow()
          .send(target(TOKEN, Optional.empty(), false), notification())
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.RETRY);
      assertThat(outcome.detail()).isEqualTo("timeout");
      apns.release();
    }
  }

  @Test
  void anUnreachableServerIsARetry() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> settings = new HashMap<>(apns.settings(TOPIC));
    settings.put("PUSH_APNS_SERVER", "localhost:" + closedPort);
    try (PushProviders unreachable = providers(settings)) {

      PushOutcome outcome = unreachable.sender(PushPlatform.APNS).orElseThrow()
          .send(target(TOKEN, Optional.empty(), false), notification())
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.RETRY);
    }
  }

  @Test
  void oneProviderTokenSignsEveryNotification() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(send(target(TOKEN, Optional.empty(), false), notification()).kind()).isEqualTo(PushOutcome.Kind.SENT);
    }

    List<FakeApns.Received> received = apns.received();
    assertThat(received).hasSize(3);
    assertThat(received.stream().map(one -> one.header("authorization")).collect(Collectors.toSet())).hasSize(1);
  }

  private static PushProviders providers(Map<String, String> values) {
    Settings settings = Settings.of(values);
    PushProviders built = PushProviders.from(settings, Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(settings.problems()).isEmpty();
    return built;
  }

  private PushOutcome send(PushTarget target, PushNotification notification) throws Exception {
    return providers.sender(PushPlatform.APNS).orElseThrow().send(target, notification)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static PushNotification notification() {
    return new PushNotification("conv-1", "msg-1", "user-3", 1, Optional.of("hello"));
  }

  private static PushTarget target(String token, Optional<String> topic, boolean sandbox) {
    return new PushTarget(UUID.randomUUID(), UUID.randomUUID(), PushPlatform.APNS, token, topic, sandbox);
  }
}
