package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.ValidateTokenRequest;
import com.whatsappclone.proto.auth.ValidateTokenResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.GetConversationsResponse;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.Pong;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor on a real Netty server, called over a real plaintext channel. */
class AuthInterceptorTest {

  static final String USER = "3f1e9a2b-7c4d-4e8f-a1b2-c3d4e5f60718";
  static final long WAIT_SECONDS = 10; // an upper bound for a hung call, not a timing assertion

  final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
  final TokenManager tokens = new TokenManager(
      TokenManagerTest.SECRET, TokenManager.DEFAULT_ACCESS_TTL, TokenManager.DEFAULT_REFRESH_TTL,
      clock);
  final SessionRevocations revocations = SessionRevocations.forTokens(tokens, clock);

  /** What each handler saw as the caller; Optional.empty() when it ran unauthenticated. */
  final BlockingQueue<Optional<String>> seenByHandlers = new LinkedBlockingQueue<>();

  Server server;
  ManagedChannel channel;

  final class RecordingChatService extends ChatServiceGrpc.ChatServiceImplBase {
    @Override
    public void getConversations(
        GetConversationsRequest request, StreamObserver<GetConversationsResponse> out) {
      seenByHandlers.add(Optional.of(AuthContext.currentUserId()));
      out.onNext(GetConversationsResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  final class RecordingAuthService extends AuthServiceGrpc.AuthServiceImplBase {
    @Override
    public void validateToken(
        ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> out) {
      seenByHandlers.add(AuthContext.userId());
      out.onNext(ValidateTokenResponse.newBuilder().setIsValid(false).build());
      out.onCompleted();
    }
  }

  /** Answers each ping with a pong; records the caller as seen from a message callback. */
  final class EchoRealtimeService extends RealtimeServiceGrpc.RealtimeServiceImplBase {
    @Override
    public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ClientEvent event) {
          seenByHandlers.add(AuthContext.userId());
          out.onNext(ServerEvent.newBuilder()
              .setPong(Pong.newBuilder().setTimestamp(event.getPing().getTimestamp()))
              .build());
        }

        @Override
        public void onError(Throwable t) {
          // The client went away; nothing to clean up in this test service.
        }

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  @BeforeEach
  void start() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    server = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0))
        .addService(new RecordingChatService())
        .addService(new RecordingAuthService())
        .addService(new EchoRealtimeService())
        .addService(new HealthStatusManager().getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .intercept(new AuthInterceptor(tokens, revocations))
        .build()
        .start();
    channel = NettyChannelBuilder.forAddress(new InetSocketAddress(loopback, server.getPort()))
        .usePlaintext()
        .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
    server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  static <S extends AbstractStub<S>> S withAuthorization(S stub, String value) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, value);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  ChatServiceGrpc.ChatServiceBlockingStub chat() {
    return ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  Status getConversationsFailure(ChatServiceGrpc.ChatServiceBlockingStub stub) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub.getConversations(GetConversationsRequest.getDefaultInstance()));
    assertThat(e).as("the call should have been refused").isNotNull();
    return e.getStatus();
  }

  String access() {
    return tokens.issueAccessToken(USER).token();
  }

  // ---- unary ----

  @Test
  void tokenOfARevokedSessionIsUnauthenticatedAndTheHandlerNeverRuns() {
    String session = "018f6b1e-4c2a-7d3e-9f10-aabbccddeeff";
    String token = tokens.issueAccessToken(USER, session).token();
    withAuthorization(chat(), "Bearer " + token).getConversations(GetConversationsRequest.getDefaultInstance());
    assertThat(seenByHandlers.poll()).contains(USER);

    revocations.add(session, USER, clock.instant());
    Status status = getConversationsFailure(withAuthorization(chat(), "Bearer " + token));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).isEqualTo("session has been revoked");
    assertThat(seenByHandlers).isEmpty();
    // Another session of the same user is not affected.
    withAuthorization(chat(), "Bearer " + tokens.issueAccessToken(USER, "another-session").token())
        .getConversations(GetConversationsRequest.getDefaultInstance());
    assertThat(seenByHandlers).containsExactly(Optional.of(USER));
  }

  @Test
  void legacyTokenWithoutSidIsRefusedOnceASessionOfItsUserWasRevokedAfterItsIssue() {
    String legacy = access();
    clock.advance(Duration.ofSeconds(5));
    revocations.add("some-session", USER, clock.instant());

    assertThat(getConversationsFailure(withAuthorization(chat(), "Bearer " + legacy)).getDescription())
        .isEqualTo("session has been revoked");
    clock.advance(Duration.ofSeconds(1));
    withAuthorization(chat(), "Bearer " + access()).getConversations(GetConversationsRequest.getDefaultInstance());
    assertThat(seenByHandlers).as("a legacy token issued after the revocation").containsExactly(Optional.of(USER));
  }

  @Test
  void withoutARevocationListRevokedSessionsAreLeftToTheServicesBehind() throws IOException, InterruptedException {
    String session = "018f6b1e-4c2a-7d3e-9f10-aabbccddee00";
    revocations.add(session, USER, clock.instant());
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Server gatewayLike = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0))
        .addService(new RecordingChatService())
        .intercept(new AuthInterceptor(tokens, PublicMethods.defaults()))
        .build()
        .start();
    ManagedChannel toIt = NettyChannelBuilder.forAddress(new InetSocketAddress(loopback, gatewayLike.getPort()))
        .usePlaintext().build();
    try {
      withAuthorization(ChatServiceGrpc.newBlockingStub(toIt), "Bearer " + tokens.issueAccessToken(USER, session).token())
          .withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS)
          .getConversations(GetConversationsRequest.getDefaultInstance());
      assertThat(seenByHandlers).containsExactly(Optional.of(USER));
    } finally {
      toIt.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
      gatewayLike.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Test
  void missingAuthorizationIsUnauthenticatedAndTheHandlerNeverRuns() {
    Status status = getConversationsFailure(chat());

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).contains("missing authorization");
    assertThat(seenByHandlers).isEmpty();
  }

  @Test
  void lowercaseBearerIsAcceptedAndTheHandlerSeesTheUserId() {
    GetConversationsResponse response = withAuthorization(chat(), "bearer " + access())
        .getConversations(GetConversationsRequest.getDefaultInstance());

    assertThat(response.getConversationsList()).isEmpty();
    assertThat(seenByHandlers).containsExactly(Optional.of(USER));
  }

  @Test
  void uppercaseBearerWithSurroundingWhitespaceIsAccepted() {
    withAuthorization(chat(), "  BEARER   " + access() + "  ")
        .getConversations(GetConversationsRequest.getDefaultInstance());

    assertThat(seenByHandlers).containsExactly(Optional.of(USER));
  }

  @Test
  void anotherSchemeIsUnauthenticated() {
    Status status = getConversationsFailure(withAuthorization(chat(), "Basic dXNlcjpwYXNz"));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).contains("Bearer");
    assertThat(seenByHandlers).isEmpty();
  }

  @Test
  void bareTokenWithoutSchemeIsUnauthenticated() {
    Status status = getConversationsFailure(withAuthorization(chat(), access()));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void refreshTokenIsUnauthenticated() {
    String refresh = tokens.issueRefreshToken(USER).token();

    Status status = getConversationsFailure(withAuthorization(chat(), "Bearer " + refresh));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).contains("wrong token type").doesNotContain(refresh);
    assertThat(seenByHandlers).isEmpty();
  }

  @Test
  void expiredAccessTokenIsUnauthenticated() {
    String token = access();
    clock.advance(Duration.ofMinutes(16));

    Status status = getConversationsFailure(withAuthorization(chat(), "Bearer " + token));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).contains("expired").doesNotContain(token);
  }

  @Test
  void tokenSignedWithAnotherSecretIsUnauthenticated() {
    TokenManager forger = new TokenManager("another-secret-that-is-32-bytes!!");
    String forged = forger.issueAccessToken(USER).token();

    Status status = getConversationsFailure(withAuthorization(chat(), "Bearer " + forged));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).contains("signature").doesNotContain(forged);
    assertThat(seenByHandlers).isEmpty();
  }

  @Test
  void twoAuthorizationValuesAreUnauthenticated() {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + access());
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + access());
    ChatServiceGrpc.ChatServiceBlockingStub stub =
        chat().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

    assertThat(getConversationsFailure(stub).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  // ---- public methods ----

  @Test
  void authServiceMethodWorksWithoutAuthorization() {
    ValidateTokenResponse response = AuthServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS)
        .validateToken(ValidateTokenRequest.newBuilder().setAccessToken("garbage").build());

    assertThat(response.getIsValid()).isFalse();
    assertThat(seenByHandlers).containsExactly(Optional.empty());
  }

  @Test
  void authServiceMethodIgnoresABrokenAuthorizationHeader() {
    // A client that always sends its (expired) token must still be able to reach RefreshToken.
    ValidateTokenResponse response = withAuthorization(
        AuthServiceGrpc.newBlockingStub(channel), "Bearer expired.or.broken")
        .withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS)
        .validateToken(ValidateTokenRequest.getDefaultInstance());

    assertThat(response.getIsValid()).isFalse();
  }

  @Test
  void healthCheckWorksWithoutAuthorization() {
    ServingStatus status = HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();

    assertThat(status).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void reflectionListsServicesWithoutAuthorization() throws Exception {
    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            List<String> names = new ArrayList<>();
            for (ServiceResponse s : response.getListServicesResponse().getServiceList()) {
              names.add(s.getName());
            }
            services.complete(names);
          }

          @Override
          public void onError(Throwable t) {
            services.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            services.complete(List.of());
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();

    assertThat(services.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .contains("chat.ChatService", "auth.AuthService", "proto.RealtimeService");
  }

  // ---- bidirectional stream ----

  /** Opens Connect, sends one ping and half-closes; completes with the pongs or the failure. */
  CompletableFuture<List<Long>> pingOverConnect(RealtimeServiceGrpc.RealtimeServiceStub stub) {
    CompletableFuture<List<Long>> result = new CompletableFuture<>();
    List<Long> pongs = new ArrayList<>();
    StreamObserver<ClientEvent> requests = stub.connect(new StreamObserver<>() {
      @Override
      public void onNext(ServerEvent event) {
        pongs.add(event.getPong().getTimestamp());
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(pongs);
      }
    });
    requests.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(42)).build());
    requests.onCompleted();
    return result;
  }

  @Test
  void streamWithoutAuthorizationIsUnauthenticated() {
    CompletableFuture<List<Long>> call = pingOverConnect(RealtimeServiceGrpc.newStub(channel));

    ExecutionException e = catchThrowableOfType(ExecutionException.class,
        () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThat(e).isNotNull();
    assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(seenByHandlers).isEmpty();
  }

  @Test
  void streamWithRefreshTokenIsUnauthenticated() {
    String refresh = tokens.issueRefreshToken(USER).token();
    CompletableFuture<List<Long>> call = pingOverConnect(
        withAuthorization(RealtimeServiceGrpc.newStub(channel), "Bearer " + refresh));

    ExecutionException e = catchThrowableOfType(ExecutionException.class,
        () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThat(e).isNotNull();
    assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void streamWithAccessTokenIsAcceptedAndMessageHandlersSeeTheUserId() throws Exception {
    CompletableFuture<List<Long>> call = pingOverConnect(
        withAuthorization(RealtimeServiceGrpc.newStub(channel), "Bearer " + access()));

    assertThat(call.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(42L);
    assertThat(seenByHandlers).containsExactly(Optional.of(USER));
  }
}
