package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.testing.RawGrpcCalls;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a hostile client sends passes the gateway only as far as is safe: malformed bytes reach the
 * backend, whose INVALID_ARGUMENT comes back intact; a request id that could forge log fields
 * does not.
 */
class HostileInputTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestStack stack = TestStack.shared();

  private static MethodDescriptor<byte[], byte[]> raw(String fullName, MethodDescriptor.MethodType type) {
    return RawGrpcCalls.method(fullName, type);
  }

  /** Sends {@code messages} and half-closes; the status the call ended with and what came back. */
  private Status call(MethodDescriptor<byte[], byte[]> method, Metadata headers, List<byte[]> messages,
      List<byte[]> received) {
    RawGrpcCalls.Stream stream = new RawGrpcCalls.Stream(stack.channel, headers, method);
    messages.forEach(stream::send);
    Status status = stream.halfCloseAndAwait();
    stream.received.drainTo(received);
    return status;
  }

  @Test
  void malformedRequestBytesGetTheBackendsInvalidArgumentIntact() throws Exception {
    Status status = call(raw("chat.ChatService/SendMessage", MethodDescriptor.MethodType.UNARY),
        stack.userHeaders(TestStack.newTestId()), List.of(new byte[] {0x12, 0x02, (byte) 0xC3, 0x28}),
        new ArrayList<>());

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .isEqualTo("request is not a valid chat.SendMessageRequest: protocol message had invalid UTF-8");
  }

  @Test
  void malformedFrameEndsAConnectStreamWithInvalidArgumentAndANewStreamWorks() throws Exception {
    MethodDescriptor<byte[], byte[]> connect = raw("proto.RealtimeService/Connect", MethodDescriptor.MethodType.BIDI_STREAMING);
    byte[] ping = ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(7)).build().toByteArray();
    String user = UUID.randomUUID().toString();

    Status broken = call(connect, stack.userHeaders(user, TestStack.newTestId()),
        List.of(ping, new byte[] {0x0A, 0x7F}), new ArrayList<>());
    List<byte[]> pongs = new CopyOnWriteArrayList<>();
    Status fine = call(connect, stack.userHeaders(user, TestStack.newTestId()), List.of(ping), pongs);

    assertThat(broken.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(broken.getDescription()).startsWith("request is not a valid proto.ClientEvent: ");
    assertThat(fine.getCode()).isEqualTo(Status.Code.OK);
    assertThat(pongs).hasSize(1);
  }

  @Test
  void requestIdThatWouldForgeLogFieldsIsReplacedBeforeItReachesTheBackend() {
    String testId = TestStack.newTestId();
    Metadata headers = stack.userHeaders(testId);
    headers.put(ForwardedMetadata.X_REQUEST_ID, "INJ1 rpc=GetMe code=OK user=00000000-0000-0000-0000-000000000000");

    ChatServiceGrpc.newBlockingStub(stack.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS).sendMessage(SendMessageRequest.newBuilder().setContent("hi").build());
    Await.until("the backend saw the call", WAIT, () -> stack.observations.get(testId).isPresent());

    Iterable<String> seen = stack.observations.get(testId).orElseThrow().headers.getAll(ForwardedMetadata.X_REQUEST_ID);
    assertThat(seen).singleElement().satisfies(id -> assertThat(UUID.fromString(id)).hasToString(id));
  }
}
