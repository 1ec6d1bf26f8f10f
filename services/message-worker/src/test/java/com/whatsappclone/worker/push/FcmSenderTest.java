package com.whatsappclone.worker.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.push.FakeFcm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FcmSenderTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final FakeFcm fcm = FakeFcm.start();
  private FcmSender sender = sender(TIMEOUT);

  @AfterEach
  void close() {
    sender.close();
    fcm.close();
  }

  @Test
  void sendsTheTextDataAndCollapseKeyToTheToken() throws Exception {
    PushNotification notification = new PushNotification("conv-1", "msg-9", "user-3", 3, Optional.of("see you at 8"));

    PushOutcome outcome = send(target("token-a"), notification);

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.SENT);
    FakeFcm.Received received = fcm.awaitReceived(1, WAIT).get(0);
    assertThat(received.token()).isEqualTo("token-a");
    assertThat(received.body()).isEqualTo("see you at 8");
    assertThat(received.collapseKey()).isEqualTo("conv-1");
    assertThat(received.data()).isEqualTo(Map.of(
        "conversation_id", "conv-1", "message_id", "msg-9", "sender_id", "user-3", "unread", "3"));
    assertThat(received.message().path("android").path("priority").asText()).isEqualTo("HIGH");
    assertThat(received.message().path("apns").path("headers").path("apns-collapse-id").asText()).isEqualTo("conv-1");
  }

  @Test
  void withoutContentTheNotificationReadsNewMessage() throws Exception {
    PushOutcome outcome = send(target("token-a"), new PushNotification("conv-1", "msg-1", "user-3", 1, Optional.empty()));

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.SENT);
    assertThat(fcm.awaitReceived(1, WAIT).get(0).body()).isEqualTo("New message");
  }

  @Test
  void anUnregisteredTokenIsDead() throws Exception {
    fcm.unregister("token-gone");

    PushOutcome outcome = send(target("token-gone"), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.TOKEN_DEAD);
    assertThat(outcome.detail()).isEqualTo("UNREGISTERED");
    assertThat(fcm.received()).isEmpty();
  }

  @Test
  void unavailableIsRetriedAfterTheProvidersRetryAfterAndThenGoesThrough() throws Exception {
    fcm.failNext(1, 503, Duration.ofSeconds(30));

    PushOutcome first = send(target("token-a"), notification());
    PushOutcome second = send(target("token-a"), notification());

    assertThat(first.kind()).isEqualTo(PushOutcome.Kind.RETRY);
    assertThat(first.retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(first.detail()).isEqualTo("UNAVAILABLE");
    assertThat(second.kind()).isEqualTo(PushOutcome.Kind.SENT);
    assertThat(fcm.received()).hasSize(1);
  }

  @Test
  void tooManyRequestsWithoutRetryAfterIsRetriedWithoutADelay() throws Exception {
    fcm.failNext(1, 429);

    PushOutcome outcome = send(target("token-a"), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.RETRY);
    assertThat(outcome.retryAfter()).isEmpty();
    assertThat(outcome.detail()).isEqualTo("QUOTA_EXCEEDED");
  }

  @Test
  void otherClientErrorsAreRejectedWithFcmsErrorCode() throws Exception {
    fcm.reject("token-bad", 400, "INVALID_ARGUMENT");

    PushOutcome outcome = send(target("token-bad"), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.REJECTED);
    assertThat(outcome.detail()).isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void aStalledProviderIsARetryOnceTheTimeoutPasses() throws Exception {
    sender.close();
    sender = sender(Duration.ofMillis(300));
    fcm.stall();

    PushOutcome outcome = send(target("token-a"), notification());

    assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.RETRY);
    assertThat(outcome.detail()).isEqualTo("timeout");
    fcm.release();
  }

  @Test
  void anUnreachableProviderIsARetry() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (FcmSender unreachable = new FcmSender(FcmSender.loadCredentials(fcm.credentialsFile()), fcm.projectId(),
        URI.create("http://127.0.0.1:" + closedPort), TIMEOUT, Clock.systemUTC())) {

      PushOutcome outcome = unreachable.send(target("token-a"), notification()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.RETRY);
      assertThat(outcome.detail()).contains("ConnectException");
    }
  }

  @Test
  void aBare404FromAWrongUrlIsRejectedWithoutCallingTheTokenDead() throws Exception {
    try (FcmSender misconfigured = new FcmSender(FcmSender.loadCredentials(fcm.credentialsFile()), fcm.projectId(),
        URI.create(fcm.baseUrl() + "/not-fcm"), TIMEOUT, Clock.systemUTC())) {

      PushOutcome outcome = misconfigured.send(target("token-a"), notification()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.REJECTED);
    }
  }

  @Test
  void oneAccessTokenServesEverySend() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(send(target("token-" + i), notification()).kind()).isEqualTo(PushOutcome.Kind.SENT);
    }

    assertThat(fcm.received()).hasSize(3);
    assertThat(fcm.tokenRequests()).isEqualTo(1);
  }

  @Test
  void aRefusedAccessTokenIsReplacedOnceForTheSendsInFlightAndTheyGoThrough() throws Exception {
    assertThat(send(target("token-a"), notification()).kind()).isEqualTo(PushOutcome.Kind.SENT);
    fcm.revokeAccessTokens();

    List<CompletableFuture<PushOutcome>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(sender.send(target("token-" + i), notification()));
    }

    for (CompletableFuture<PushOutcome> outcome : inFlight) {
      assertThat(outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind()).isEqualTo(PushOutcome.Kind.SENT);
    }
    assertThat(fcm.tokenRequests()).isEqualTo(2);
    assertThat(fcm.received()).hasSize(4);
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    String inNinetySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now.plusSeconds(90), ZoneOffset.UTC));

    assertThat(RetryAfter.parse(Optional.of("120"), clock)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(Optional.of(inNinetySeconds), clock)).contains(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse(Optional.of("soon"), clock)).isEmpty();
  }

  private FcmSender sender(Duration timeout) {
    try {
      return new FcmSender(FcmSender.loadCredentials(fcm.credentialsFile()), fcm.projectId(),
          URI.create(fcm.baseUrl()), timeout, Clock.systemUTC());
    } catch (IOException e) {
      throw new AssertionError("the fake's credentials file is unreadable", e);
    }
  }

  private PushOutcome send(PushTarget target, PushNotification notification) throws Exception {
    return sender.send(target, notification).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static PushNotification notification() {
    return new PushNotification("conv-1", "msg-1", "user-3", 1, Optional.of("hello"));
  }

  private static PushTarget target(String token) {
    return new PushTarget(UUID.randomUUID(), UUID.randomUUID(), PushPlatform.FCM, token, Optional.empty(), false);
  }
}
