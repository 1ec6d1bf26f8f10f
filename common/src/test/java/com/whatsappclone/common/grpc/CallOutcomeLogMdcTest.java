package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.ListMessagesResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The RPC outcome line carries its request id in the MDC too, a field of its own in JSON logs. */
class CallOutcomeLogMdcTest {

  private static final String LOGGER = "com.whatsappclone.test.mdc.rpc";

  /** The MDC of each event as it was when logged (a ListAppender would read it later, once it is gone). */
  static final class MdcAtAppend extends AppenderBase<ILoggingEvent> {
    final List<Map<String, String>> mdcs = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      mdcs.add(Map.copyOf(event.getMDCPropertyMap()));
    }
  }

  static final class MissingChat extends ChatServiceGrpc.ChatServiceImplBase {
    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> out) {
      throw new NotFoundException("CONVERSATION_NOT_FOUND", "conversation not found");
    }
  }

  @Test
  void theOutcomeLineHasTheCallersRequestIdInItsMdcAndACallWithoutOneItsNewId() throws InterruptedException {
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    MdcAtAppend appender = new MdcAtAppend();
    appender.start();
    logger.addAppender(appender);
    GrpcServer server = GrpcServer.builder("mdc-test", 0).host("127.0.0.1")
        .intercept(new CallOutcomeLog(LOGGER)).addService(new MissingChat()).start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      Metadata headers = new Metadata();
      headers.put(RequestIds.KEY, "req-mdc-1");
      ChatServiceGrpc.ChatServiceBlockingStub chat = ChatServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

      assertThrows(StatusRuntimeException.class, () -> chat.listMessages(ListMessagesRequest.getDefaultInstance()));
      assertThrows(StatusRuntimeException.class, () -> ChatServiceGrpc.newBlockingStub(channel)
          .listMessages(ListMessagesRequest.getDefaultInstance()));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
      logger.detachAppender(appender);
    }

    assertThat(appender.mdcs).hasSize(2);
    assertThat(appender.mdcs.get(0)).containsExactly(Map.entry(CallOutcomeLog.REQUEST_ID_MDC_KEY, "req-mdc-1"));
    assertThat(appender.mdcs.get(1).get(CallOutcomeLog.REQUEST_ID_MDC_KEY))
        .as("a call without an id gets a new one, not the previous call's").isNotEqualTo("req-mdc-1")
        .matches("[0-9a-f-]{36}");
  }
}
