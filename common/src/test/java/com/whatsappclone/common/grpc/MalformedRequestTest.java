package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.Pong;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.RawGrpcCalls;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request bytes that are not a valid request message, sent to a real GrpcServer: INVALID_ARGUMENT
 * naming the problem, one short log line, and the handler never runs.
 */
class MalformedRequestTest {

  private static final String SEND_MESSAGE = "chat.ChatService/SendMessage";
  private static final String CONNECT = "proto.RealtimeService/Connect";

  /** Each is not a valid SendMessageRequest; the value is the reason the client must be told. */
  private static final Map<String, byte[]> MALFORMED = Map.of(
      "while parsing a protocol message, the input ended unexpectedly in the middle of a field",
      new byte[] {0x12, 0x05, 'a', 'b'},                                // content: 5 bytes announced, 2 sent
      "protocol message contained an invalid tag (zero)", new byte[] {0x00},
      "protocol message tag had invalid wire type", new byte[] {0x0F, 0x01},  // field 1, wire type 7
      "found a malformed varint", new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01},
      "protocol message had invalid UTF-8", new byte[] {0x12, 0x02, (byte) 0xC3, 0x28},
      "found an embedded string or message which claimed to have negative size",
      new byte[] {0x12, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01});

  /** Counts handler runs: a malformed request must never reach one. */
  static final class CountingChat extends ChatServiceGrpc.ChatServiceImplBase {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> out) {
      calls.incrementAndGet();
      out.onNext(SendMessageResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /** Connect answering pings, recording what reached it and whether it was told the stream ended. */
  static final class RecordingRealtime extends RealtimeServiceGrpc.RealtimeServiceImplBase {
    final AtomicInteger received = new AtomicInteger();
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ClientEvent event) {
          received.incrementAndGet();
          out.onNext(ServerEvent.newBuilder().setPong(Pong.newBuilder().setTimestamp(event.getPing().getTimestamp())).build());
        }

        @Override
        public void onError(Throwable error) {
          ended.countDown();
        }

        @Override
        public void onCompleted() {
          ended.countDown();
          out.onCompleted();
        }
      };
    }
  }

  private final CountingChat chat = new CountingChat();
  private final RecordingRealtime realtime = new RecordingRealtime();
  private GrpcServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    server = GrpcServer.builder("malformed-test", 0).host("127.0.0.1").addService(chat).addService(realtime).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  private Status sendMessage(byte[]... messages) {
    return RawGrpcCalls.call(channel, new Metadata(), RawGrpcCalls.method(SEND_MESSAGE, MethodType.UNARY), List.of(messages));
  }

  @Test
  void malformedRequestCarriesTheMalformedRequestReason() {
    RawGrpcCalls.Stream call = new RawGrpcCalls.Stream(channel, new Metadata(),
        RawGrpcCalls.method(SEND_MESSAGE, MethodType.UNARY));
    call.send(MALFORMED.values().iterator().next());
    Status status = call.halfCloseAndAwait();

    assertThat(ErrorDetails.reason(status.asRuntimeException(call.trailers()))).isEqualTo("MALFORMED_REQUEST");
  }

  @Test
  void malformedRequestBytesAnswerInvalidArgumentNamingTheProblemAndNeverRunTheHandler() {
    MALFORMED.forEach((reason, bytes) -> {
      Status status = sendMessage(bytes);

      assertThat(status.getCode()).as(reason).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).isEqualTo("request is not a valid chat.SendMessageRequest: " + reason);
    });
    assertThat(chat.calls).hasValue(0);
  }

  @Test
  void validRequestStillReachesTheHandlerOnTheSameChannel() {
    assertThat(sendMessage(new byte[] {0x00}).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    assertThat(sendMessage(SendMessageRequest.newBuilder().setContent("hi").build().toByteArray()).getCode())
        .isEqualTo(Status.Code.OK);
    assertThat(chat.calls).hasValue(1);
  }

  @Test
  void malformedRequestIsLoggedOnOneLineWithoutAStackTrace() {
    try (CapturedLogs logs = new CapturedLogs()) {
      sendMessage(new byte[] {0x12, 0x02, (byte) 0xC3, 0x28});

      List<ILoggingEvent> lines = logs.of(MalformedRequestLog.class);
      assertThat(lines).singleElement().satisfies(line -> {
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getThrowableProxy()).isNull();
        assertThat(line.getFormattedMessage())
            .startsWith("malformed-test: refused a malformed request to chat.ChatService/SendMessage from /127.0.0.1:")
            .endsWith("with INVALID_ARGUMENT: protocol message had invalid UTF-8")
            .doesNotContain("\n");
      });
      assertThat(logs.grpcWarnings()).isEmpty();
    }
  }

  @Test
  void aFloodOfMalformedRequestsIsLoggedOnAFewLinesThatCountTheRest() throws InterruptedException {
    int flood = 100;
    try (CapturedLogs logs = new CapturedLogs()) {
      for (int i = 0; i < flood; i++) {
        sendMessage(new byte[] {0x00});
      }
      // Long enough for the limiter to allow a line again: the last request is written, with the
      // count of any still held back.
      Thread.sleep(Math.round(1000 / MalformedRequestLog.LINES_PER_SECOND) + 100);
      sendMessage(new byte[] {0x00});

      List<String> lines = logs.of(MalformedRequestLog.class).stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines.size()).isLessThan(flood / 2);
      long counted = lines.size();
      Pattern heldBack = Pattern.compile("\\(and (\\d+) more since the previous line\\)");
      for (String line : lines) {
        Matcher m = heldBack.matcher(line);
        if (m.find()) {
          counted += Long.parseLong(m.group(1));
        }
      }
      assertThat(counted).as("every refused request is a line or counted on a later one").isEqualTo(flood + 1);
    }
  }

  @Test
  void unaryCallWithoutARequestMessageAnswersInvalidArgument() {
    Status status = sendMessage();

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("expected one request message, got none");
  }

  @Test
  void malformedFrameOnAStreamEndsItWithInvalidArgumentAndTheHandlerIsToldItEnded() throws InterruptedException {
    byte[] ping = ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(42)).build().toByteArray();
    List<byte[]> frames = new ArrayList<>(List.of(ping, new byte[] {0x0A, 0x7F, 0x08}, ping));

    try (CapturedLogs logs = new CapturedLogs()) {
      Status status = RawGrpcCalls.call(channel, new Metadata(), RawGrpcCalls.method(CONNECT, MethodType.BIDI_STREAMING), frames);

      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).startsWith("request is not a valid proto.ClientEvent: ");
      assertThat(realtime.ended.await(10, TimeUnit.SECONDS)).as("the handler learns the stream ended").isTrue();
      assertThat(realtime.received).as("only the ping before the bad frame got through").hasValue(1);
      assertThat(logs.grpcWarnings()).isEmpty();
    }
  }

  @Test
  void callRefusedByAnInterceptorKeepsItsStatusWhateverItsBody() {
    GrpcServer refusing = GrpcServer.builder("refusing", 0).host("127.0.0.1").addService(new CountingChat())
        .intercept(new io.grpc.ServerInterceptor() {
          @Override
          public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(io.grpc.ServerCall<ReqT, RespT> call,
              io.grpc.Metadata headers, io.grpc.ServerCallHandler<ReqT, RespT> next) {
            call.close(Status.PERMISSION_DENIED.withDescription("no"), new io.grpc.Metadata());
            return new io.grpc.ServerCall.Listener<>() {};
          }
        })
        .start();
    ManagedChannel toRefusing = NettyChannelBuilder.forAddress("127.0.0.1", refusing.port()).usePlaintext().build();
    try (CapturedLogs logs = new CapturedLogs()) {
      Status status = RawGrpcCalls.call(toRefusing, new Metadata(), RawGrpcCalls.method(SEND_MESSAGE, MethodType.UNARY),
          List.of(new byte[] {0x00}));

      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(logs.of(MalformedRequestLog.class)).isEmpty();
      assertThat(logs.grpcWarnings()).isEmpty();
    } finally {
      toRefusing.shutdownNow();
      refusing.stop();
    }
  }
}
