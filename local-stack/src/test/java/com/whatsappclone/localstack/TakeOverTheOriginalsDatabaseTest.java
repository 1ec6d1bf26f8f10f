package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.db.UnrecognisedSchemaException;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.OriginalGoSchema;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system started on a database that the original Go backend's migrations built and its
 * users filled: it is taken over at start-up, and its users sign in to their old accounts, keep
 * their old session, read their old conversations and send new messages beside the old ones.
 */
@WithPostgres
@WithKafka
class TakeOverTheOriginalsDatabaseTest {

  private static final String ALICE = "0a11ce00-0000-4000-8000-000000000001";
  private static final String ALICE_PHONE = "+905551110001";
  private static final String BOB = "0b0b0000-0000-4000-8000-000000000002";
  private static final String BOB_PHONE = "+905551110002";
  private static final String CHAT = "0c4a7000-0000-4000-8000-000000000003";
  private static final String GROUP = "06000000-0000-4000-8000-000000000004";

  private static String aliceRefreshToken;
  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startOnTheOriginalsDatabase(TestDatabase db, TestKafka kafka) throws Exception {
    OriginalGoSchema.migrateUp(db, OriginalGoSchema.LAST_VERSION);
    // A session as the original's VerifyOTP recorded it: the hex SHA-256 of its refresh token.
    aliceRefreshToken = originalRefreshToken(ALICE);
    OriginalGoSchema.execute(db, "INSERT INTO users (id, phone_number, display_name, created_at) VALUES "
        + "('" + ALICE + "', '" + ALICE_PHONE + "', 'Alice', '2024-01-02T03:04:05Z'), "
        + "('" + BOB + "', '" + BOB_PHONE + "', 'Bob', '2024-01-02T03:05:00Z'); "
        + "INSERT INTO user_devices (user_id, refresh_token_hash, device_name, last_login_at) VALUES "
        + "('" + ALICE + "', '" + sha256Hex(aliceRefreshToken) + "', 'alice-phone', now()); "
        + "INSERT INTO conversations (id, created_at) VALUES ('" + CHAT + "', '2024-05-01 09:00:00'); "
        + "INSERT INTO conversations (id, created_at, is_group, group_name) VALUES "
        + "('" + GROUP + "', '2024-05-02 09:00:00', true, 'old friends'); "
        + "INSERT INTO conversation_participants (conversation_id, user_id, joined_at) VALUES "
        + "('" + CHAT + "', '" + ALICE + "', '2024-05-01 09:00:00'), ('" + CHAT + "', '" + BOB + "', '2024-05-01 09:00:00'), "
        + "('" + GROUP + "', '" + BOB + "', '2024-05-02 09:00:00'), ('" + GROUP + "', '" + ALICE + "', '2024-05-02 09:00:01'); "
        + "INSERT INTO messages (conversation_id, sender_id, content, client_message_id, created_at) VALUES "
        + "('" + CHAT + "', '" + ALICE + "', 'hi Bob', 'old-1', '2024-05-01 09:00:30'), "
        + "('" + CHAT + "', '" + BOB + "', 'hi Alice', 'old-2', '2024-05-01 09:01:00')");
    system = RunningSystem.start(db, kafka.bootstrapServers());
    gateway = system.gatewayChannel();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void sessionTheOriginalOpenedStillRefreshes() {
    RefreshTokenResponse refreshed = auth().refreshToken(
        RefreshTokenRequest.newBuilder().setRefreshToken(aliceRefreshToken).build());

    assertThat(auth().withCallCredentials(bearer(refreshed.getAccessToken()))
        .getMe(GetMeRequest.getDefaultInstance()).getUser().getId()).isEqualTo(ALICE);
  }

  @Test
  void userOfTheOriginalSignsInToTheOldAccountAndReadsOldConversations() {
    VerifyOTPResponse bob = signIn(BOB_PHONE);
    assertThat(bob.getUser().getId()).isEqualTo(BOB);
    assertThat(bob.getUser().getDisplayName()).isEqualTo("Bob");
    assertThat(bob.getUser().getCreatedAt()).isEqualTo("2024-01-02T03:05:00Z");

    List<Conversation> conversations = chat(bob.getAccessToken())
        .getConversations(GetConversationsRequest.getDefaultInstance()).getConversationsList();
    assertThat(conversations).extracting(Conversation::getId).contains(CHAT, GROUP);
    Conversation group = conversations.stream().filter(c -> c.getId().equals(GROUP)).findFirst().orElseThrow();
    assertThat(group.getGroupName()).isEqualTo("old friends");
    assertThat(group.getAdminIdsList()).as("the longest-standing member").containsExactly(BOB);

    List<Message> history = chat(bob.getAccessToken())
        .listMessages(ListMessagesRequest.newBuilder().setConversationId(CHAT).build()).getMessagesList();
    assertThat(history).extracting(Message::getContent, Message::getSeq, Message::getCreatedAt)
        .startsWith(
            org.assertj.core.groups.Tuple.tuple("hi Alice", 2L, "2024-05-01T09:01:00Z"),
            org.assertj.core.groups.Tuple.tuple("hi Bob", 1L, "2024-05-01T09:00:30Z"));
  }

  @Test
  void newMessagesAreStoredBesideTheOldOnes() throws Exception {
    VerifyOTPResponse alice = signIn(ALICE_PHONE);
    assertThat(alice.getUser().getId()).isEqualTo(ALICE);
    String clientMessageId = UUID.randomUUID().toString();
    chat(alice.getAccessToken()).sendMessage(SendMessageRequest.newBuilder()
        .setConversationId(CHAT).setContent("back on the new server").setClientMessageId(clientMessageId).build());

    List<Message> history = Eventually.await("the new message is stored after the old ones",
        () -> chat(alice.getAccessToken()).listMessages(
            ListMessagesRequest.newBuilder().setConversationId(CHAT).build()).getMessagesList(),
        messages -> messages.stream().anyMatch(m -> m.getClientMessageId().equals(clientMessageId)));
    Message stored = history.get(0);
    assertThat(stored.getContent()).isEqualTo("back on the new server");
    assertThat(stored.getSeq()).as("numbered after the original's messages").isGreaterThan(2);
    assertThat(history).extracting(Message::getContent).contains("hi Bob", "hi Alice");
  }

  @Test
  void databaseTheOriginalLeftDirtyStopsTheStackUntouched(TestKafka kafka) throws Exception {
    TestDatabase dirty = PostgresExtension.newDatabase();
    OriginalGoSchema.applySteps(dirty, 2);
    OriginalGoSchema.recordVersion(dirty, 3, true);

    assertThatThrownBy(() -> RunningSystem.start(dirty, kafka.bootstrapServers()))
        .isInstanceOf(UnrecognisedSchemaException.class)
        .hasMessageContaining("left dirty by golang-migrate at version 3");
    try (var connection = dirty.connect(); var statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT count(*) FROM information_schema.tables "
            + "WHERE table_schema = 'public' AND table_name = 'flyway_schema_history'")) {
      rows.next();
      assertThat(rows.getInt(1)).isZero();
    }
  }

  private static VerifyOTPResponse signIn(String phone) {
    return GatewayCalls.signIn(gateway, phone, "takeover-test");
  }

  private static AuthServiceGrpc.AuthServiceBlockingStub auth() {
    return GatewayCalls.auth(gateway);
  }

  private static ChatServiceGrpc.ChatServiceBlockingStub chat(String accessToken) {
    return ChatServiceGrpc.newBlockingStub(gateway).withCallCredentials(bearer(accessToken))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static CallCredentials bearer(String accessToken) {
    return GatewayCalls.bearer(accessToken);
  }

  /** A refresh token as the original's golang-jwt made it (no session id), signed by hand. */
  private static String originalRefreshToken(String userId) throws Exception {
    long issuedAt = Instant.now().getEpochSecond() - 60;
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    String payload = "{\"type\":\"refresh\",\"iss\":\"my-auth-service\",\"sub\":\"" + userId + "\","
        + "\"aud\":[\"my-auth-service\"],\"exp\":" + (issuedAt + 7 * 86_400) + ",\"iat\":" + issuedAt + ","
        + "\"jti\":\"" + UUID.randomUUID() + "\"}";
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(RunningSystem.JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signingInput + "." + base64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String sha256Hex(String token) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
