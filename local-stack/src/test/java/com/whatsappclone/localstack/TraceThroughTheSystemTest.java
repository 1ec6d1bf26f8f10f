package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.whatsappclone.common.grpc.CallOutcomeLog;
import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.common.tracing.Tracing;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 19's traces end to end: a client's W3C {@code traceparent} on SendMessage reaches the
 * gateway's, chat's, the worker's and realtime's spans (each service with its own tracer, all
 * exporting to one in-memory exporter), linked parent to child across gRPC and both Kafka hops.
 */
@WithPostgres
@WithKafka
class TraceThroughTheSystemTest {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    logLines.start();
    rootLogger().addAppender(logLines);
    system = RunningSystem.start(db, kafka.bootstrapServers(), Map.of(),
        service -> ServiceMetrics.create(service).withTracing(Tracing.exportingTo(service, spans)));
    gateway = system.gatewayChannel();
  }

  @AfterAll
  static void stopSystem() {
    rootLogger().detachAppender(logLines);
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aClientsTraceIdReachesTheWorkersAndRealtimesSpans() throws Exception {
    VerifyOTPResponse alice = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "alice-phone");
    VerifyOTPResponse bob = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "bob-phone");
    String conversation = chat(alice, null).createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(bob.getUser().getId()).build()).getConversation().getId();

    String traceId = HexFormat.of().formatHex(randomBytes(16));
    String clientSpanId = HexFormat.of().formatHex(randomBytes(8));
    try (TextFrames bobsPhone = TextFrames.open(system.webSocketPort(), bob.getAccessToken())) {
      Message sent = chat(alice, "00-" + traceId + "-" + clientSpanId + "-01")
          .sendMessage(SendMessageRequest.newBuilder().setConversationId(conversation).setContent("traced").build())
          .getMessage();
      bobsPhone.awaitNewMessage(sent.getId());
    }

    List<SpanData> trace = Eventually.await("spans of the trace from every service on the path",
        () -> spansOf(traceId), found -> services(found).containsAll(
            Set.of("api-gateway", "chat", "message-worker", "realtime")));

    SpanData gatewaySpan = only(trace, "api-gateway", SpanKind.SERVER);
    assertThat(gatewaySpan.getName()).isEqualTo("chat.ChatService/SendMessage");
    assertThat(gatewaySpan.getParentSpanId()).isEqualTo(clientSpanId);
    SpanData chatSpan = only(trace, "chat", SpanKind.SERVER);
    assertThat(chatSpan.getName()).isEqualTo("chat.ChatService/SendMessage");
    assertThat(chatSpan.getParentSpanId()).isEqualTo(gatewaySpan.getSpanId());
    SpanData workerSpan = only(trace, "message-worker", SpanKind.CONSUMER);
    assertThat(workerSpan.getName()).endsWith("messages.submitted process");
    assertThat(workerSpan.getParentSpanId()).isEqualTo(chatSpan.getSpanId());
    SpanData realtimeSpan = only(trace, "realtime", SpanKind.CONSUMER);
    assertThat(realtimeSpan.getName()).endsWith("messages.stored deliver");
    assertThat(realtimeSpan.getParentSpanId()).isEqualTo(workerSpan.getSpanId());
  }

  @Test
  void aCallWithoutTraceparentStartsItsOwnTrace() throws Exception {
    VerifyOTPResponse carol = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "carol-phone");
    List<SpanData> signIns = Eventually.await("the gateway's span of the sign-in",
        () -> spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("auth.AuthService/VerifyOTP"))
            .filter(s -> "api-gateway".equals(s.getResource().getAttribute(SERVICE_NAME)))
            .toList(), found -> !found.isEmpty());
    assertThat(carol.getUser().getId()).isNotEmpty();
    assertThat(signIns).allSatisfy(span -> {
      assertThat(span.getParentSpanContext().isValid()).isFalse();
      assertThat(span.getTraceId()).hasSize(32).isNotEqualTo("0".repeat(32));
    });
    // Auth's call log line carries the trace id (LOG_FORMAT=json writes it as a field).
    Set<String> traceIds = signIns.stream().map(SpanData::getTraceId).collect(Collectors.toSet());
    assertThat(logLines.list.stream()
        .filter(e -> e.getFormattedMessage().startsWith("rpc=VerifyOTP"))
        .map(e -> e.getMDCPropertyMap().get(CallOutcomeLog.TRACE_ID_MDC_KEY)))
        .anyMatch(traceIds::contains);
  }

  private static ch.qos.logback.classic.Logger rootLogger() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static ChatServiceGrpc.ChatServiceBlockingStub chat(VerifyOTPResponse login, String traceparent) {
    ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(gateway)
        .withCallCredentials(GatewayCalls.bearer(login.getAccessToken()))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    if (traceparent == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(TRACEPARENT, traceparent);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static List<SpanData> spansOf(String traceId) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  private static Set<String> services(List<SpanData> found) {
    return found.stream().map(s -> s.getResource().getAttribute(SERVICE_NAME)).collect(Collectors.toSet());
  }

  private static SpanData only(List<SpanData> trace, String service, SpanKind kind) {
    List<SpanData> matching = trace.stream()
        .filter(s -> service.equals(s.getResource().getAttribute(SERVICE_NAME)) && s.getKind() == kind)
        .toList();
    assertThat(matching).as("%s spans of %s in %s", kind, service, trace).hasSize(1);
    return matching.get(0);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    do {
      ThreadLocalRandom.current().nextBytes(bytes);
    } while (allZero(bytes));
    return bytes;
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
