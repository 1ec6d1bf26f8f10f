package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.PushPlatform;
import com.whatsappclone.proto.auth.RegisterPushTokenRequest;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.testing.push.FakeFcm;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 end to end, as a mobile app uses it: sign in through the gateway, register the FCM
 * token, and hear of messages sent while the app is closed through a push from the message worker
 * (to a local server speaking FCM HTTP v1); with the WebSocket open and the message acknowledged,
 * no push.
 */
@WithPostgres
@WithKafka
class PushThroughTheGatewayTest {

  private static final Duration ACK_GRACE = Duration.ofSeconds(1);

  private static FakeFcm fcm;
  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) throws Exception {
    fcm = FakeFcm.start();
    Map<String, String> settings = new HashMap<>(fcm.settings());
    settings.put("PUSH_GROUP_ID", UniqueNames.of("e2e-push"));
    settings.put("PUSH_ACK_GRACE", ACK_GRACE.toMillis() + "ms");
    system = RunningSystem.start(db, kafka.bootstrapServers(), settings);
    gateway = system.gatewayChannel();
    GrpcHealth.awaitServing("push", system.backendPorts().get("message-worker"), "push");
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
    if (fcm != null) {
      fcm.close();
    }
  }

  private static AuthServiceGrpc.AuthServiceBlockingStub auth(VerifyOTPResponse login) {
    return GatewayCalls.auth(gateway).withCallCredentials(GatewayCalls.bearer(login.getAccessToken()));
  }

  private static ChatServiceGrpc.ChatServiceBlockingStub chat(VerifyOTPResponse login) {
    return ChatServiceGrpc.newBlockingStub(gateway).withCallCredentials(GatewayCalls.bearer(login.getAccessToken()))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static List<FakeFcm.Received> pushesTo(String token) {
    return fcm.received().stream().filter(r -> r.token().equals(token)).toList();
  }

  private static Message send(VerifyOTPResponse from, String conversationId, String text) {
    return chat(from).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(conversationId).setContent(text).build()).getMessage();
  }

  @Test
  void aClosedAppIsPushedAndAnOpenOneThatAcknowledgesIsNot() throws Exception {
    VerifyOTPResponse alice = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "alice-phone");
    VerifyOTPResponse bob = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "bob-phone");
    String bobsToken = "fcm-" + UUID.randomUUID();
    auth(bob).registerPushToken(RegisterPushTokenRequest.newBuilder()
        .setPlatform(PushPlatform.PUSH_PLATFORM_FCM).setToken(bobsToken).build());
    String conversation = chat(alice).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(bob.getUser().getId()).build()).getConversation().getId();

    // Bob's app is closed.
    Message whileClosed = send(alice, conversation, "dinner at 8?");

    FakeFcm.Received push = Eventually.await("a push to Bob's phone", () -> pushesTo(bobsToken),
        pushes -> !pushes.isEmpty()).get(0);
    assertThat(push.data())
        .containsEntry("conversation_id", conversation)
        .containsEntry("message_id", whileClosed.getId())
        .containsEntry("sender_id", alice.getUser().getId());
    assertThat(push.body()).isEqualTo("New message");

    // Bob opens the app: the WebSocket catches him up, he acknowledges what arrives.
    Message whileOpen;
    try (TextFrames socket = TextFrames.open(system.webSocketPort(), bob.getAccessToken())) {
      socket.awaitNewMessage(whileClosed.getId());
      ack(socket, whileClosed, conversation);
      whileOpen = send(alice, conversation, "see you there");
      socket.awaitNewMessage(whileOpen.getId());
      ack(socket, whileOpen, conversation);
      // The grace period passes: the open app acknowledged, its phone is not pushed.
      Thread.sleep(ACK_GRACE.multipliedBy(3).toMillis());
    }

    // Closed again: pushed again (proving push still ran while the app was open).
    Message afterClosing = send(alice, conversation, "one more thing");
    Eventually.await("a push for the message after the app closed", () -> pushesTo(bobsToken),
        pushes -> pushes.stream().anyMatch(r -> afterClosing.getId().equals(r.data().get("message_id"))));
    assertThat(pushesTo(bobsToken)).extracting(r -> r.data().get("message_id"))
        .containsExactly(whileClosed.getId(), afterClosing.getId());
  }

  @Test
  void signingOutStopsThePushes() throws Exception {
    VerifyOTPResponse alice = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "alice-phone");
    VerifyOTPResponse bob = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "bob-phone");
    VerifyOTPResponse carol = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "carol-phone");
    String bobsToken = "fcm-" + UUID.randomUUID();
    String carolsToken = "fcm-" + UUID.randomUUID();
    auth(bob).registerPushToken(RegisterPushTokenRequest.newBuilder()
        .setPlatform(PushPlatform.PUSH_PLATFORM_FCM).setToken(bobsToken).build());
    auth(carol).registerPushToken(RegisterPushTokenRequest.newBuilder()
        .setPlatform(PushPlatform.PUSH_PLATFORM_FCM).setToken(carolsToken).build());
    String group = chat(alice).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(bob.getUser().getId()).addParticipantIds(carol.getUser().getId())
        .setIsGroup(true).setGroupName("weekend").build()).getConversation().getId();

    GatewayCalls.auth(gateway).revokeCurrentDevice(RevokeCurrentDeviceRequest.newBuilder()
        .setRefreshToken(bob.getRefreshToken()).build());
    Message message = send(alice, group, "who is in?");

    Eventually.await("Carol's push", () -> pushesTo(carolsToken), pushes -> !pushes.isEmpty());
    assertThat(pushesTo(carolsToken).get(0).data()).containsEntry("message_id", message.getId());
    assertThat(pushesTo(bobsToken)).as("Bob signed out").isEmpty();
  }

  private static void ack(TextFrames socket, Message message, String conversation) throws Exception {
    socket.send("{\"ack\":{\"messageId\":\"" + message.getId() + "\",\"conversationId\":\""
        + conversation + "\"}}");
  }
}
