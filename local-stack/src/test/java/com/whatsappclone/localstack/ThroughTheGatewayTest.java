package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.BlockUserRequest;
import com.whatsappclone.proto.auth.ContactEntry;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.GetMeResponse;
import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.SyncContactsRequest;
import com.whatsappclone.proto.auth.UnblockUserRequest;
import com.whatsappclone.proto.auth.ValidateTokenRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.MessageAck;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.ReadReceipt;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.CreateStatusResponse;
import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.StatusServiceGrpc;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system, with a client that knows only the gateway's address (and the realtime
 * WebSocket endpoint): the seed README's sign-in walk-through, then two users chatting in real
 * time with delivery and read receipts, then statuses.
 */
@WithPostgres
@WithKafka
class ThroughTheGatewayTest {

  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    system = RunningSystem.start(db, kafka.bootstrapServers());
    gateway = system.gatewayChannel();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  private static String newPhoneNumber() {
    return GatewayCalls.newPhoneNumber();
  }

  private static AuthServiceGrpc.AuthServiceBlockingStub auth() {
    return GatewayCalls.auth(gateway);
  }

  private static VerifyOTPResponse signIn(String phone, String device) {
    return GatewayCalls.signIn(gateway, phone, device);
  }

  private static CallCredentials bearer(String accessToken) {
    return GatewayCalls.bearer(accessToken);
  }

  private static ChatServiceGrpc.ChatServiceBlockingStub chat(String accessToken) {
    return ChatServiceGrpc.newBlockingStub(gateway).withCallCredentials(bearer(accessToken))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }


  @Test
  void seedReadmeSignInWalkThroughWorksThroughTheGateway() {
    String phone = newPhoneNumber();
    VerifyOTPResponse login = signIn(phone, "postman");

    assertThat(login.getUser().getPhoneNumber()).isEqualTo(phone);
    assertThat(auth().validateToken(ValidateTokenRequest.newBuilder().setAccessToken(login.getAccessToken()).build()))
        .satisfies(v -> {
          assertThat(v.getIsValid()).isTrue();
          assertThat(v.getUserId()).isEqualTo(login.getUser().getId());
        });

    RefreshTokenResponse rotated = auth().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(login.getRefreshToken()).build());
    assertThat(rotated.getRefreshToken()).isNotEqualTo(login.getRefreshToken());

    assertThat(auth().revokeCurrentDevice(RevokeCurrentDeviceRequest.newBuilder()
        .setRefreshToken(rotated.getRefreshToken()).build()).getSuccess()).isTrue();
    assertThatThrownBy(() -> auth().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(rotated.getRefreshToken()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

    VerifyOTPResponse second = signIn(phone, "phone");
    assertThat(auth().logoutAllDevices(LogoutAllDevicesRequest.newBuilder()
        .setAccessToken(second.getAccessToken()).build()).getSuccess()).isTrue();
    assertThatThrownBy(() -> auth().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(second.getRefreshToken()).build()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void logoutAllDevicesRefusesTheAccessTokenThroughTheGatewayWithinSeconds() throws Exception {
    VerifyOTPResponse login = signIn(newPhoneNumber(), "phone");
    String token = login.getAccessToken();
    assertThat(getMe(token).getUser().getId()).isEqualTo(login.getUser().getId());
    assertThat(chat(token).getConversations(GetConversationsRequest.getDefaultInstance()).getConversationsList())
        .isEmpty();

    auth().logoutAllDevices(LogoutAllDevicesRequest.newBuilder().setAccessToken(token).build());

    // auth refuses at once; chat and status once their poll (every second) saw the revocation.
    assertRefusedWithinSeconds("GetMe", () -> getMe(token));
    assertRefusedWithinSeconds("GetConversations",
        () -> chat(token).getConversations(GetConversationsRequest.getDefaultInstance()));
    assertRefusedWithinSeconds("GetStatuses", () -> StatusServiceGrpc.newBlockingStub(gateway)
        .withCallCredentials(bearer(token)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getStatuses(GetStatusesRequest.newBuilder().setUserId(login.getUser().getId()).build()));
  }

  @Test
  void refreshTokenReuseRevokesAccessEverywhere() throws Exception {
    VerifyOTPResponse login = signIn(newPhoneNumber(), "phone");
    RefreshTokenResponse rotated = auth().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(login.getRefreshToken()).build());
    String token = rotated.getAccessToken();
    BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + system.webSocketPort() + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCodes.add(statusCode);
            return null;
          }
        })
        .get(10, TimeUnit.SECONDS);
    try (ConnectStream stream = new ConnectStream(gateway, token)) {
      stream.send.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(1)).build());
      stream.await(ServerEvent::hasPong);
      assertThat(getMe(token).getUser().getId()).isEqualTo(login.getUser().getId());

      // The rotated-away refresh token comes back: auth revokes the whole session.
      assertThatThrownBy(() -> auth().refreshToken(
          RefreshTokenRequest.newBuilder().setRefreshToken(login.getRefreshToken()).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

      assertRefusedWithinSeconds("GetMe", () -> getMe(token));
      assertRefusedWithinSeconds("GetConversations",
          () -> chat(token).getConversations(GetConversationsRequest.getDefaultInstance()));
      assertThat(auth().validateToken(ValidateTokenRequest.newBuilder().setAccessToken(token).build()).getIsValid())
          .isFalse();
      assertThat(stream.ended.get(20, TimeUnit.SECONDS).getCode()).as("the open Connect stream")
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(closeCodes.poll(20, TimeUnit.SECONDS)).as("the open WebSocket").isEqualTo(4001);
      Status again = new ConnectStream(gateway, token).ended.get(20, TimeUnit.SECONDS);
      assertThat(again.getCode()).as("a new Connect stream").isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(again.getDescription()).isEqualTo("session has been revoked");
    } finally {
      socket.abort();
    }
  }

  private static GetMeResponse getMe(String accessToken) {
    return AuthServiceGrpc.newBlockingStub(gateway).withCallCredentials(bearer(accessToken))
        .withDeadlineAfter(10, TimeUnit.SECONDS).getMe(GetMeRequest.getDefaultInstance());
  }

  /** The call fails with UNAUTHENTICATED "session has been revoked" within a few seconds. */
  private static void assertRefusedWithinSeconds(String what, Callable<?> call) throws Exception {
    long start = System.nanoTime();
    Status status = Eventually.await(what + " to be refused", () -> {
      try {
        call.call();
        return Status.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus();
      }
    }, s -> !s.isOk());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as(what + " refused after").isLessThan(Duration.ofSeconds(5));
    assertThat(status.getCode()).as(what + ": " + status).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).as(what).isEqualTo("session has been revoked");
  }

  @Test
  void gatewayRefusesChatWithoutAToken() {
    assertThatThrownBy(() -> ChatServiceGrpc.newBlockingStub(gateway)
        .getConversations(com.whatsappclone.proto.chat.GetConversationsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void messageTravelsToTheRecipientsStreamAndSenderSeesDeliveredAndRead() throws InterruptedException {
    VerifyOTPResponse alice = signIn(newPhoneNumber(), "alice-phone");
    VerifyOTPResponse bob = signIn(newPhoneNumber(), "bob-phone");
    Conversation conversation = chat(alice.getAccessToken()).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(bob.getUser().getId()).build()).getConversation();

    try (ConnectStream aliceStream = new ConnectStream(gateway, alice.getAccessToken());
        ConnectStream bobStream = new ConnectStream(gateway, bob.getAccessToken())) {
      bobStream.send.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(42)).build());
      assertThat(bobStream.await(ServerEvent::hasPong).getPong().getTimestamp()).isEqualTo(42);
      aliceStream.send.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(7)).build());
      aliceStream.await(ServerEvent::hasPong);

      Message sent = chat(alice.getAccessToken()).sendMessage(SendMessageRequest.newBuilder()
          .setConversationId(conversation.getId()).setContent("Merhaba Bob").setClientMessageId("m-1").build())
          .getMessage();

      NewMessage received = bobStream.await(ServerEvent::hasNewMessage).getNewMessage();
      assertThat(received.getMessageId()).isEqualTo(sent.getId());
      assertThat(received.getSenderId()).isEqualTo(alice.getUser().getId());
      assertThat(received.getContent()).isEqualTo("Merhaba Bob");
      assertThat(received.getSeq()).isEqualTo(1);

      bobStream.send.onNext(ClientEvent.newBuilder().setAck(MessageAck.newBuilder()
          .setMessageId(sent.getId()).setConversationId(conversation.getId())).build());
      ServerEvent delivered = aliceStream.await(ServerEvent::hasDelivered);
      assertThat(delivered.getDelivered().getMessageId()).isEqualTo(sent.getId());
      assertThat(delivered.getDelivered().getUserId()).isEqualTo(bob.getUser().getId());

      bobStream.send.onNext(ClientEvent.newBuilder().setReadReceipt(ReadReceipt.newBuilder()
          .setMessageId(sent.getId()).setConversationId(conversation.getId())).build());
      ServerEvent read = aliceStream.await(ServerEvent::hasRead);
      assertThat(read.getRead().getMessageId()).isEqualTo(sent.getId());
      assertThat(read.getRead().getUserId()).isEqualTo(bob.getUser().getId());
    }

    assertThat(chat(bob.getAccessToken()).listMessages(ListMessagesRequest.newBuilder()
        .setConversationId(conversation.getId()).build()).getMessagesList())
        .singleElement()
        .satisfies(m -> {
          assertThat(m.getContent()).isEqualTo("Merhaba Bob");
          assertThat(m.getSeq()).isEqualTo(1);
        });
  }

  @Test
  void offlineRecipientCatchesUpOverTheWebSocketEndpoint() throws Exception {
    VerifyOTPResponse alice = signIn(newPhoneNumber(), "alice");
    VerifyOTPResponse carol = signIn(newPhoneNumber(), "carol");
    Conversation conversation = chat(alice.getAccessToken()).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(carol.getUser().getId()).build()).getConversation();
    for (int i = 1; i <= 3; i++) {
      chat(alice.getAccessToken()).sendMessage(SendMessageRequest.newBuilder()
          .setConversationId(conversation.getId()).setContent("while you were away " + i).build());
    }
    awaitStored(alice.getAccessToken(), conversation.getId(), 3);

    try (TextFrames socket = TextFrames.open(system.webSocketPort(), carol.getAccessToken())) {
      for (int i = 1; i <= 3; i++) {
        String frame = socket.poll(20);
        assertThat(frame).as("catch-up frame %d", i)
            .contains("\"newMessage\"")
            .contains("while you were away " + i)
            .contains("\"seq\":\"" + i + "\"");
      }
    }
  }

  @Test
  void statusIsVisibleToSomeoneInTheAuthorsAddressBookButNotToAChatPartnerOutsideIt() {
    VerifyOTPResponse alice = signIn(newPhoneNumber(), "alice");
    VerifyOTPResponse dave = signIn(newPhoneNumber(), "dave");
    VerifyOTPResponse stranger = signIn(newPhoneNumber(), "stranger");
    chat(alice.getAccessToken()).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(dave.getUser().getId()).build());
    chat(alice.getAccessToken()).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(stranger.getUser().getId()).build());
    // Alice has dave's number (statuses default to contacts, issue 17), synced as her app would.
    authAs(alice).syncContacts(SyncContactsRequest.newBuilder()
        .addContacts(ContactEntry.newBuilder().setPhoneNumber(dave.getUser().getPhoneNumber()))
        .setLastPage(true).build());

    CreateStatusResponse created = StatusServiceGrpc.newBlockingStub(gateway)
        .withCallCredentials(bearer(alice.getAccessToken()))
        .createStatus(CreateStatusRequest.newBuilder().setContent("at the beach").build());
    assertThat(created.getStatusId()).isNotEmpty().isEqualTo(created.getStatus().getId());

    GetStatusesRequest alicesStatuses = GetStatusesRequest.newBuilder().setUserId(alice.getUser().getId()).build();
    assertThat(StatusServiceGrpc.newBlockingStub(gateway).withCallCredentials(bearer(dave.getAccessToken()))
        .getStatuses(alicesStatuses).getStatusesList())
        .singleElement().satisfies(s -> {
          assertThat(s.getId()).isEqualTo(created.getStatusId());
          assertThat(s.getUserId()).isEqualTo(alice.getUser().getId());
          assertThat(s.getContent()).isEqualTo("at the beach");
        });
    assertThat(StatusServiceGrpc.newBlockingStub(gateway).withCallCredentials(bearer(stranger.getAccessToken()))
        .getStatuses(alicesStatuses).getStatusesList()).isEmpty();
  }

  /** SendMessage answers once Kafka has the message; the worker stores it shortly after. */
  private static void awaitStored(String accessToken, String conversationId, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      int stored = chat(accessToken).listMessages(ListMessagesRequest.newBuilder()
          .setConversationId(conversationId).build()).getMessagesCount();
      if (stored >= count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(count + " messages were not stored within 20 s");
  }

  /**
   * Issue 17's blocking scenario, as two phones would live it through the gateway: after Alice
   * blocks Bob, Bob's one-to-one messages are accepted and stored but never reach Alice (not on
   * her stream, not in her ListMessages, not even after she unblocks him), and someone who blocked
   * Bob looks to him like no user at all.
   */
  @Test
  void aBlockedSendersMessagesNeverReachTheBlockerAndABlockerLooksLikeNoUser() throws InterruptedException {
    VerifyOTPResponse alice = signIn(newPhoneNumber(), "alice-phone");
    VerifyOTPResponse bob = signIn(newPhoneNumber(), "bob-phone");
    VerifyOTPResponse carol = signIn(newPhoneNumber(), "carol-phone");
    Conversation conversation = chat(bob.getAccessToken()).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(alice.getUser().getId()).build()).getConversation();

    try (ConnectStream aliceStream = new ConnectStream(gateway, alice.getAccessToken())) {
      aliceStream.send.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(1)).build());
      aliceStream.await(ServerEvent::hasPong);
      send(bob, conversation, "before the block");
      assertThat(aliceStream.await(ServerEvent::hasNewMessage).getNewMessage().getContent()).isEqualTo("before the block");

      authAs(alice).blockUser(BlockUserRequest.newBuilder()
          .setUserId(bob.getUser().getId()).build());
      Message withheld = send(bob, conversation, "while blocked");
      assertThat(withheld.getId()).as("the sender is told nothing").isNotEmpty();
      awaitStored(bob.getAccessToken(), conversation.getId(), 2);
      assertThat(contents(alice, conversation)).containsExactly("before the block");

      authAs(alice).unblockUser(UnblockUserRequest.newBuilder()
          .setUserId(bob.getUser().getId()).build());
      send(bob, conversation, "after the unblock");
      // The stream's next message is the one after the unblock: the withheld one was never pushed.
      assertThat(aliceStream.await(ServerEvent::hasNewMessage).getNewMessage().getContent())
          .isEqualTo("after the unblock");
    }
    assertThat(contents(alice, conversation)).containsExactly("after the unblock", "before the block");
    assertThat(contents(bob, conversation)).containsExactly("after the unblock", "while blocked", "before the block");

    authAs(carol).blockUser(BlockUserRequest.newBuilder()
        .setUserId(bob.getUser().getId()).build());
    StatusRuntimeException blocked = catchStatus(() -> chat(bob.getAccessToken()).createConversation(
        CreateConversationRequest.newBuilder().addParticipantIds(carol.getUser().getId()).build()));
    String nobody = UUID.randomUUID().toString();
    StatusRuntimeException unknown = catchStatus(() -> chat(bob.getAccessToken()).createConversation(
        CreateConversationRequest.newBuilder().addParticipantIds(nobody).build()));
    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND).isEqualTo(unknown.getStatus().getCode());
    assertThat(blocked.getStatus().getDescription().replace(carol.getUser().getId(), "<id>"))
        .isEqualTo(unknown.getStatus().getDescription().replace(nobody, "<id>"));
  }

  private static AuthServiceGrpc.AuthServiceBlockingStub authAs(VerifyOTPResponse login) {
    return GatewayCalls.auth(gateway).withCallCredentials(bearer(login.getAccessToken()))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Message send(VerifyOTPResponse sender, Conversation conversation, String content) {
    return chat(sender.getAccessToken()).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(conversation.getId()).setContent(content)
        .setClientMessageId(UUID.randomUUID().toString()).build()).getMessage();
  }

  /** Newest first, as ListMessages answers. */
  private static List<String> contents(VerifyOTPResponse reader, Conversation conversation) {
    return chat(reader.getAccessToken()).listMessages(ListMessagesRequest.newBuilder()
        .setConversationId(conversation.getId()).build()).getMessagesList().stream().map(Message::getContent).toList();
  }

  private static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }
}
