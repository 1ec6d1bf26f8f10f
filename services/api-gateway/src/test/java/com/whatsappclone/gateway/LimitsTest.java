package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.auth.TokenManager;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every per-client limit, on a gateway of its own with tiny limits and a clock the tests move:
 * a user may make 2 calls a second with bursts of 3, an address without a token 1 a second with
 * bursts of 2, and a user may hold 2 Connect streams.
 */
class LimitsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final TestStack stack = TestStack.shared();
  private static final MutableClock clock = new MutableClock(Instant.now());
  private static final TokenManager tokens = new TokenManager(TestStack.JWT_SECRET, Duration.ofMinutes(15),
      Duration.ofDays(7), clock);
  private static final ServiceMetrics metrics = ServiceMetrics.create("api-gateway");
  private static GrpcServer gateway;
  private static ManagedChannel channel;

  @BeforeAll
  static void startGateway() {
    gateway = stack.startGateway(Map.of(
        "GATEWAY_USER_RATE_PER_SECOND", "2",
        "GATEWAY_USER_BURST", "3",
        "GATEWAY_IP_RATE_PER_SECOND", "1",
        "GATEWAY_IP_BURST", "2",
        "GATEWAY_MAX_CONNECT_STREAMS_PER_USER", "2"), clock, metrics);
    channel = TestStack.channelTo(gateway);
  }

  @AfterAll
  static void stopGateway() throws InterruptedException {
    TestStack.close(channel);
    gateway.stop();
  }

  /** Every bucket used so far is full again: tests do not inherit each other's spent tokens. */
  @BeforeEach
  void refillEverything() {
    clock.advance(Duration.ofMinutes(1));
  }

  @Test
  void userBeyondTheBurstIsRefusedUntilTokensRefill() {
    String user = UUID.randomUUID().toString();
    for (int i = 0; i < 3; i++) {
      assertThat(sendMessage(channel, user)).isEqualTo(Status.Code.OK);
    }

    assertThat(sendMessage(channel, user)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    clock.advance(Duration.ofMillis(500));
    assertThat(sendMessage(channel, user)).isEqualTo(Status.Code.OK);
    assertThat(sendMessage(channel, user)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    clock.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      assertThat(sendMessage(channel, user)).isEqualTo(Status.Code.OK);
    }
    assertThat(sendMessage(channel, user)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void oneUsersLimitDoesNotTouchAnother() {
    String busy = UUID.randomUUID().toString();
    for (int i = 0; i < 3; i++) {
      sendMessage(channel, busy);
    }
    assertThat(sendMessage(channel, busy)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    assertThat(sendMessage(channel, UUID.randomUUID().toString())).isEqualTo(Status.Code.OK);
  }

  @Test
  void refusedCallNeverReachesTheBackendAndSaysWhy() {
    String user = UUID.randomUUID().toString();
    for (int i = 0; i < 3; i++) {
      sendMessage(channel, user);
    }
    String testId = TestStack.newTestId();

    assertThatThrownBy(() -> chat(channel, user, testId).sendMessage(SendMessageRequest.newBuilder().setContent("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo("too many requests from this user; retry in 500 ms");
          assertThat(RetryDelay.of(e)).as("RetryInfo: 2 a second, the next token in 500 ms")
              .contains(Duration.ofMillis(500));
          assertThat(ErrorDetails.reason(e)).isEqualTo("RATE_LIMITED");
        });
    assertThat(stack.observations.get(testId)).isEmpty();
  }

  @Test
  void callsWithoutTokenAreLimitedPerAddress() {
    assertThat(sendOtp(channel, new Metadata())).isEqualTo(Status.Code.OK);
    assertThat(sendOtp(channel, new Metadata())).isEqualTo(Status.Code.OK);

    assertThat(sendOtp(channel, new Metadata())).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // The same address with a token is counted per user instead.
    assertThat(sendMessage(channel, UUID.randomUUID().toString())).isEqualTo(Status.Code.OK);

    clock.advance(Duration.ofSeconds(1));
    assertThat(sendOtp(channel, new Metadata())).isEqualTo(Status.Code.OK);
    assertThat(sendOtp(channel, new Metadata())).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void refusalsAreCountedPerLimit() {
    double userBefore = refused("gateway_user");
    double ipBefore = refused("gateway_ip");
    String user = UUID.randomUUID().toString();
    for (int i = 0; i < 4; i++) {
      sendMessage(channel, user); // the fourth is over the burst of three
    }
    for (int i = 0; i < 3; i++) {
      sendOtp(channel, new Metadata()); // the third is over the burst of two
    }

    assertThat(refused("gateway_user") - userBefore).isEqualTo(1.0);
    assertThat(refused("gateway_ip") - ipBefore).isEqualTo(1.0);
    assertThat(metrics.scrape()).contains("ratelimit_refused_total{limit=\"gateway_user\",service=\"api-gateway\"}");
  }

  private static double refused(String limit) {
    return metrics.registry().get("ratelimit.refused").tag("limit", limit).counter().count();
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnLimitAndBackendsSeeTheChain() throws Exception {
    GrpcServer behindProxy = stack.startGateway(Map.of(
        "GATEWAY_IP_RATE_PER_SECOND", "1", "GATEWAY_IP_BURST", "1",
        "GATEWAY_TRUSTED_PROXIES", "127.0.0.0/8"), clock);
    ManagedChannel proxied = TestStack.channelTo(behindProxy);
    try {
      assertThat(sendOtp(proxied, forwardedFor("198.51.100.1", null))).isEqualTo(Status.Code.OK);
      assertThat(sendOtp(proxied, forwardedFor("198.51.100.1", null))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

      String testId = TestStack.newTestId();
      assertThat(sendOtp(proxied, forwardedFor("198.51.100.2", testId))).isEqualTo(Status.Code.OK);
      Metadata seen = stack.observations.get(testId).orElseThrow().headers;
      assertThat(seen.getAll(ForwardedForInterceptor.X_FORWARDED_FOR)).containsExactly("198.51.100.2, 127.0.0.1");
      // What auth keys its per-IP SendOTP limit on: the forwarded client, signed by the gateway.
      assertThat(ClientAddressSignature.fromJwtSecret(TestStack.JWT_SECRET).verifiedAddress(seen))
          .contains("198.51.100.2");
    } finally {
      TestStack.close(proxied);
      behindProxy.stop();
    }
  }

  @Test
  void userMayHoldOnlySoManyConnectStreamsAndClosingOneFreesItsSlot() throws Exception {
    String user = UUID.randomUUID().toString();
    OpenStream first = openConnect(user);
    OpenStream second = openConnect(user);
    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();

    OpenStream third = openConnect(user);
    Status refused = third.recorder.awaitEnd(WAIT);
    assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getDescription()).contains("Connect streams");
    assertThat(openConnect(UUID.randomUUID().toString()).isOpen()).as("another user is not affected").isTrue();

    first.events.onCompleted();
    assertThat(first.recorder.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);
    // The slot frees when the gateway sees the stream end, just after the client does.
    Await.until("a new stream is accepted", WAIT, () -> {
      clock.advance(Duration.ofMinutes(1));
      return openConnect(user).isOpen();
    });
  }

  private Status.Code sendMessage(ManagedChannel on, String user) {
    try {
      chat(on, user, TestStack.newTestId()).sendMessage(SendMessageRequest.newBuilder().setContent("x").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static Status.Code sendOtp(ManagedChannel on, Metadata headers) {
    try {
      AuthServiceGrpc.newBlockingStub(on).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .sendOTP(SendOTPRequest.newBuilder().setPhoneNumber("+905551234567").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static Metadata forwardedFor(String client, String testId) {
    Metadata headers = new Metadata();
    headers.put(ForwardedForInterceptor.X_FORWARDED_FOR, client);
    if (testId != null) {
      headers.put(Observations.TEST_ID, testId);
    }
    return headers;
  }

  private static ChatServiceGrpc.ChatServiceBlockingStub chat(ManagedChannel on, String user, String testId) {
    return ChatServiceGrpc.newBlockingStub(on).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(user, testId)));
  }

  private static Metadata headers(String user, String testId) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + tokens.issueAccessToken(user).token());
    headers.put(Observations.TEST_ID, testId);
    return headers;
  }

  private OpenStream openConnect(String user) {
    StreamRecorder<ClientEvent, ServerEvent> recorder = new StreamRecorder<>();
    StreamObserver<ClientEvent> events = RealtimeServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(user, TestStack.newTestId())))
        .connect(recorder);
    return new OpenStream(events, recorder);
  }

  /** A Connect stream and a way to tell whether the gateway let it through. */
  private static final class OpenStream {
    final StreamObserver<ClientEvent> events;
    final StreamRecorder<ClientEvent, ServerEvent> recorder;

    OpenStream(StreamObserver<ClientEvent> events, StreamRecorder<ClientEvent, ServerEvent> recorder) {
      this.events = events;
      this.recorder = recorder;
    }

    /** True when a ping is answered, false when the stream was refused instead. */
    boolean isOpen() {
      events.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(1)).build());
      long giveUp = System.nanoTime() + WAIT.toNanos();
      try {
        while (System.nanoTime() < giveUp) {
          ServerEvent event = recorder.messages.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (event != null) {
            return event.hasPong();
          }
          if (recorder.end.isDone()) {
            return false;
          }
        }
        throw new AssertionError("the stream neither answered nor ended within " + WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
