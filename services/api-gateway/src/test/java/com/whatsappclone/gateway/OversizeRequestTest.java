package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request over the 4 MiB inbound limit is refused with RESOURCE_EXHAUSTED, and the caller's
 * connection stays usable: the very next call on the same channel works, every time.
 */
class OversizeRequestTest {

  /** Just over grpc-java's default maximum inbound message size (4 MiB). */
  private static final int OVERSIZE = 4 * 1024 * 1024 + 1024;
  private static final int ROUNDS = 5;

  private final TestStack stack = TestStack.shared();

  @Test
  void oversizeRequestThroughTheGatewayAnswersResourceExhaustedAndTheConnectionSurvives() throws InterruptedException {
    ManagedChannel channel = TestStack.channelTo(stack.gateway);
    try {
      oversizeThenNormalCall(channel, ROUNDS);
    } finally {
      TestStack.close(channel);
    }
  }

  @Test
  void oversizeRequestToABackendDirectlyAnswersResourceExhaustedAndTheConnectionSurvives() throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", stack.chat.port()).usePlaintext().build();
    try {
      oversizeThenNormalCall(channel, ROUNDS);
    } finally {
      TestStack.close(channel);
    }
  }

  private void oversizeThenNormalCall(ManagedChannel channel, int rounds) {
    for (int round = 1; round <= rounds; round++) {
      ChatServiceGrpc.ChatServiceBlockingStub chat = ChatServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(stack.userHeaders(TestStack.newTestId())))
          .withDeadlineAfter(20, TimeUnit.SECONDS);
      SendMessageRequest huge = SendMessageRequest.newBuilder().setContent("x".repeat(OVERSIZE)).build();

      assertThatThrownBy(() -> chat.sendMessage(huge)).as("round %d: the oversize call", round)
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("exceeds maximum size 4194304");
          });
      assertThat(chat.sendMessage(SendMessageRequest.newBuilder().setContent("after " + round).build())
          .getMessage().getContent()).as("round %d: the next call on the same channel", round)
          .isEqualTo("echo:after " + round);
    }
  }
}
