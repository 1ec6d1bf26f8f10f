package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.realtime.NewMessage;
import com.whatsappclone.proto.realtime.Ping;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backend going down and coming back, on a gateway of its own whose chat backend the test owns:
 * calls fail fast with UNAVAILABLE meanwhile, health says so, and traffic flows again afterwards
 * without touching the gateway.
 */
class ResilienceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TestStack stack = TestStack.shared();

  @Test
  void restartedBackendIsServedAgainAndItsNewServicesDiscovered() throws Exception {
    FakeBackend chat = FakeBackend.start("restarting-chat", stack.observations, new FakeServices.Chat());
    GrpcServer gateway = stack.startGateway(Map.of("CHAT_SERVICE_ADDR", chat.address()), Clock.systemUTC());
    ManagedChannel channel = TestStack.channelTo(gateway);
    try {
      assertThat(send(channel)).isEqualTo(Status.Code.OK);
      assertThat(health(channel, "chat.ChatService")).isEqualTo(ServingStatus.SERVING);
      assertThat(health(channel, "")).isEqualTo(ServingStatus.SERVING);

      chat.stop();
      // A generous deadline: the call must fail fast with UNAVAILABLE, not wait for the deadline.
      assertThatThrownBy(() -> chat(channel).withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .sendMessage(SendMessageRequest.newBuilder().setContent("down").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).isEqualTo("chat.ChatService is unavailable, try again later");
            assertThat(ErrorDetails.reason(e)).isEqualTo("BACKEND_UNAVAILABLE");
          });
      Await.until("health reports chat down", WAIT,
          () -> health(channel, "chat.ChatService") == ServingStatus.NOT_SERVING);
      assertThat(health(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(health(channel, "auth.AuthService")).isEqualTo(ServingStatus.SERVING);

      FakeServices.Ticker added = new FakeServices.Ticker("gatewaytestupgrade");
      chat.restartWith(new FakeServices.Chat(), added.serviceDefinition());

      Await.until("calls reach the restarted backend", WAIT, () -> send(channel) == Status.Code.OK);
      Await.until("health reports everything up", WAIT, () -> health(channel, "") == ServingStatus.SERVING);
      Await.until("the new service is discovered", WAIT,
          () -> uncheckedListServices(channel).contains(added.service));
      assertThat(count(channel, added, 3)).containsExactly("0", "1", "2");
    } finally {
      TestStack.close(channel);
      gateway.stop();
      chat.stop();
    }
  }

  @Test
  void backendDownAtStartUpIsServedOnceItComesUp() throws Exception {
    int port = ReflectionTest.closedPort();
    GrpcServer gateway = stack.startGateway(Map.of("CHAT_SERVICE_ADDR", "127.0.0.1:" + port), Clock.systemUTC());
    ManagedChannel channel = TestStack.channelTo(gateway);
    FakeBackend chat = null;
    try {
      assertThat(send(channel)).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(health(channel, "chat.ChatService")).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(health(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);

      chat = FakeBackend.startOn(port, "late-chat", stack.observations, new FakeServices.Chat());

      Await.until("calls reach the backend", WAIT, () -> send(channel) == Status.Code.OK);
      Await.until("health reports chat up", WAIT, () -> health(channel, "chat.ChatService") == ServingStatus.SERVING);
    } finally {
      TestStack.close(channel);
      gateway.stop();
      if (chat != null) {
        chat.stop();
      }
    }
  }

  private ChatServiceGrpc.ChatServiceBlockingStub chat(ManagedChannel channel) {
    return ChatServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId())));
  }

  private Status.Code send(ManagedChannel channel) {
    try {
      chat(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .sendMessage(SendMessageRequest.newBuilder().setContent("ping").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private List<String> count(ManagedChannel channel, FakeServices.Ticker ticker, int n) {
    List<String> ids = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId()))),
        ticker.count, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        Ping.newBuilder().setTimestamp(n).build())
        .forEachRemaining((NewMessage m) -> ids.add(m.getMessageId()));
    return ids;
  }

  private static ServingStatus health(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static List<String> uncheckedListServices(ManagedChannel channel) {
    try {
      return ReflectionTest.listServices(channel);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
