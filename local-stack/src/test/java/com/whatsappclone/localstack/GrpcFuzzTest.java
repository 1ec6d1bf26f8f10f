package com.whatsappclone.localstack;

import static com.whatsappclone.localstack.FuzzTargets.oneRequestMethods;
import static com.whatsappclone.localstack.FuzzTargets.services;
import static com.whatsappclone.localstack.FuzzTargets.servicesListedBy;
import static com.whatsappclone.localstack.FuzzTargets.streamingMethods;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.whatsappclone.common.auth.PublicMethods;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.StatusServiceGrpc;
import com.whatsappclone.testing.RawGrpcCalls;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile input for every RPC of every service, through the gateway as a client would send it:
 * bytes that are not valid protobuf, well-formed requests with hostile field values, malformed and
 * hostile Connect frames, oversize requests. Every answer is counted by status code (the table is
 * printed); none may be UNKNOWN or INTERNAL, nothing may be logged as an error, and after each
 * phase the gateway and every backend still serve.
 *
 * <p>The RPCs are read from the generated descriptors, and {@link #theFuzzedServicesAreAllTheGatewayServes}
 * fails when the gateway serves a service this test does not know. Inputs come from a fixed seed,
 * printed at the start: {@code -Dfuzz.seed=N} repeats or varies a run, {@code -Dfuzz.cases=N}
 * bounds the inputs per method and kind (default 60).
 */
@WithPostgres
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrpcFuzzTest {

  private static final long SEED = Long.getLong("fuzz.seed", 20_240_611L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 60);
  private static final int PARALLEL_CALLS = 4;
  /** Hostile events sent on one stream, below the realtime service's 64 frames waiting per stream. */
  private static final int EVENTS_PER_STREAM = 25;
  /** Just over the 4 MiB every server accepts. */
  private static final int OVERSIZE = 4 * 1024 * 1024 + 1024;
  /** The per-client limits would answer most of the fuzz RESOURCE_EXHAUSTED before any check ran. */
  private static final Map<String, String> NO_LIMITS = Map.of(
      "GATEWAY_USER_RATE_PER_SECOND", "1000000", "GATEWAY_USER_BURST", "10000000",
      "GATEWAY_IP_RATE_PER_SECOND", "1000000", "GATEWAY_IP_BURST", "10000000",
      "GATEWAY_MAX_CONNECT_STREAMS_PER_USER", "1000",
      "AUTH_SEND_OTP_PHONE_LIMIT", "1000000", "AUTH_SEND_OTP_IP_LIMIT", "1000000",
      "AUTH_VERIFY_OTP_FAILURES_LIMIT", "1000000");

  private static final StatusTally tally = new StatusTally();
  private static RunningSystem system;
  private static ManagedChannel gateway;
  private static String aliceToken;
  private static FuzzFixtures fixtures;
  private static LogWatch logs;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    System.out.printf("GrpcFuzzTest: seed %d (-Dfuzz.seed=N to repeat or vary), at most %d inputs per method and"
        + " kind (-Dfuzz.cases=N)%n", SEED, CASES);
    system = RunningSystem.start(db, kafka.bootstrapServers(), NO_LIMITS);
    gateway = system.gatewayChannel();
    VerifyOTPResponse alice = signIn(newPhone());
    VerifyOTPResponse bob = signIn(newPhone());
    aliceToken = alice.getAccessToken();
    ChatServiceGrpc.ChatServiceBlockingStub chat = ChatServiceGrpc.newBlockingStub(gateway)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(withToken()));
    String oneToOne = chat.createConversation(CreateConversationRequest.newBuilder()
        .addParticipantIds(bob.getUser().getId()).build()).getConversation().getId();
    String group = chat.createConversation(CreateConversationRequest.newBuilder().setIsGroup(true)
        .setGroupName("fuzz").addParticipantIds(bob.getUser().getId()).build()).getConversation().getId();
    String message = chat.sendMessage(SendMessageRequest.newBuilder().setConversationId(oneToOne)
        .setContent("before the fuzz").build()).getMessage().getId();
    String status = StatusServiceGrpc.newBlockingStub(gateway)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(withToken()))
        .createStatus(CreateStatusRequest.newBuilder().setContent("fuzzing").build()).getStatus().getId();
    fixtures = new FuzzFixtures(alice.getUser().getId(), bob.getUser().getId(), oneToOne, group, message, status,
        newPhone());
    logs = new LogWatch();
  }

  @AfterAll
  static void stopSystem() throws InterruptedException {
    System.out.printf("GrpcFuzzTest (seed %d): answers by status code%n%s%n%s", SEED, tally.table(), tally.methodTable());
    if (logs != null) {
      logs.close();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  @Order(0)
  void theFuzzedServicesAreAllTheGatewayServes() throws Exception {
    Set<String> fuzzed = services().stream().map(ServiceDescriptor::getFullName).collect(Collectors.toSet());

    assertThat(servicesListedBy(gateway)).as("services the gateway serves, but this test does not fuzz")
        .containsExactlyInAnyOrderElementsOf(fuzzed);
    assertThat(streamingMethods()).as("streaming RPCs: only Connect has a fuzz phase of its own")
        .extracting(MethodDescriptor::getFullName).containsExactly("proto.RealtimeService.Connect");
  }

  @Test
  @Order(1)
  void malformedRequestBytesNeverGetUnknownOrInternal() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (MethodDescriptor method : oneRequestMethods()) {
      Random random = random("malformed", method);
      byte[] valid = hostile(random).base(method.getInputType(), 0).build().toByteArray();
      sample(MalformedBytes.of(method.getInputType(), valid, random, 8), random)
          .forEach((name, bytes) -> addCases(cases, "malformed bytes", method, name, bytes));
    }

    runAll(cases);

    assertPhases("malformed bytes");
  }

  @Test
  @Order(2)
  void hostileFieldValuesNeverGetUnknownOrInternal() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (MethodDescriptor method : oneRequestMethods()) {
      Random random = random("hostile", method);
      Map<String, byte[]> inputs = new LinkedHashMap<>();
      for (DynamicMessage message : hostile(random).of(method.getInputType())) {
        inputs.put("#" + inputs.size() + " " + describe(message), message.toByteArray());
      }
      // The empty and the valid message first: the baseline every hostile variant is compared with.
      sample(inputs, random, 2).forEach((name, bytes) -> addCases(cases, "hostile values", method, name, bytes));
    }

    runAll(cases);

    assertPhases("hostile values");
  }

  @Test
  @Order(3)
  void malformedAndHostileConnectFramesNeverGetUnknownOrInternal() throws Exception {
    MethodDescriptor connect = streamingMethods().get(0);
    ConnectFuzz fuzz = new ConnectFuzz(gateway, GrpcFuzzTest::withToken, RawGrpcCalls.method(connect), tally);
    Random random = random("connect", connect);

    Map<String, byte[]> malformed = sample(MalformedBytes.of(connect.getInputType(), ConnectFuzz.ping(1), random, 8), random);
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
    try {
      List<Future<?>> streams = new ArrayList<>();
      malformed.forEach((name, frame) -> streams.add(pool.submit(() -> {
        fuzz.malformedFrame(name, frame);
        return null;
      })));
      for (Future<?> stream : streams) {
        stream.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<DynamicMessage> events = hostile(random).of(connect.getInputType());
    for (int from = 0; from < events.size(); from += EVENTS_PER_STREAM) {
      List<DynamicMessage> batch = events.subList(from, Math.min(events.size(), from + EVENTS_PER_STREAM));
      fuzz.hostileEvents(batch.size() + " events from " + describe(batch.get(0)), batch);
    }

    assertPhases(ConnectFuzz.MALFORMED_FRAME, ConnectFuzz.HOSTILE_EVENTS, ConnectFuzz.ERROR_EVENTS);
    assertThat(fuzz.freshStreamWorks()).as("a new Connect stream answers a ping and ends OK").isTrue();
  }

  @Test
  @Order(4)
  void oversizeRequestsGetResourceExhaustedAndTheCallersConnectionSurvives() throws Exception {
    // Well-formed (an unknown field 15 is kept, not refused), just too big.
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write(15 << 3 | 2);
    body.writeBytes(MalformedBytes.varint(OVERSIZE));
    body.writeBytes(new byte[OVERSIZE]);
    byte[] huge = body.toByteArray();
    Map<String, Integer> targets = new LinkedHashMap<>();
    targets.put("gateway", system.gatewayPort());
    targets.putAll(system.backendPorts());

    for (Map.Entry<String, Integer> target : targets.entrySet()) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", target.getValue()).usePlaintext().build();
      try {
        List<String> served = servicesListedBy(channel);
        for (ServiceDescriptor service : services()) {
          if (!served.contains(service.getFullName())) {
            continue;
          }
          String method = FuzzTargets.fullMethodName(service.getMethods().get(0));
          Status status = RawGrpcCalls.call(channel, withToken(), RawGrpcCalls.method(service.getMethods().get(0)), List.of(huge));
          tally.record("oversize request", method, "4 MiB + 1 KiB to " + target.getKey(), status);

          assertThat(status.getCode()).as("%s to %s", method, target.getKey())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(status.getDescription()).contains("exceeds maximum size");
          assertThat(health(channel, "")).as("%s, on the same connection", target.getKey())
              .isEqualTo(ServingStatus.SERVING);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    assertPhases("oversize request");
  }

  // --- unary calls, many at a time ------------------------------------------------------------

  /** One call: which phase it counts for, to which method, with what headers and body. */
  private record Case(String phase, MethodDescriptor method, Metadata headers, String input, byte[] body) { }

  /** With alice's token for every method; without a token too for the public ones. */
  private static void addCases(List<Case> cases, String kind, MethodDescriptor method, String input, byte[] body) {
    cases.add(new Case(kind + ", with token", method, withToken(), input, body));
    if (PublicMethods.defaults().isPublic(FuzzTargets.fullMethodName(method))) {
      cases.add(new Case(kind + ", no token", method, new Metadata(), input, body));
    }
  }

  private static void runAll(List<Case> cases) throws Exception {
    Collections.shuffle(cases, new Random(SEED));
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (Case c : cases) {
        calls.add(pool.submit(() -> tally.record(c.phase(), FuzzTargets.fullMethodName(c.method()), c.input(),
            RawGrpcCalls.call(gateway, c.headers(), RawGrpcCalls.method(c.method()), List.of(c.body())))));
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // --- what every phase must leave behind -------------------------------------------------------

  private static void assertPhases(String... phases) throws InterruptedException {
    System.out.printf("GrpcFuzzTest after %s:%n%s", String.join(", ", phases), tally.table());
    for (String phase : phases) {
      for (String withOrWithout : new String[] {"", ", with token", ", no token"}) {
        assertThat(tally.forbiddenIn(phase + withOrWithout)).as("UNKNOWN or INTERNAL answers in %s%s (seed %d)",
            phase, withOrWithout, SEED).isEmpty();
      }
    }
    assertThat(logs.problems()).as("errors logged during the fuzz (seed %d)", SEED).isEmpty();
    assertThat(health(gateway, "")).as("gateway health").isEqualTo(ServingStatus.SERVING);
    for (Map.Entry<String, Integer> backend : system.backendPorts().entrySet()) {
      ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", backend.getValue()).usePlaintext().build();
      try {
        assertThat(health(direct, "")).as("%s health", backend.getKey()).isEqualTo(ServingStatus.SERVING);
      } finally {
        direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertThat(getMe(gateway)).as("GetMe through the gateway").isEqualTo(Status.Code.OK);
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** Each method and phase draws from its own generator, so its inputs do not depend on the others. */
  private static Random random(String phase, MethodDescriptor method) {
    return new Random(SEED ^ (phase + "/" + method.getFullName()).hashCode());
  }

  private static HostileMessages hostile(Random random) {
    return new HostileMessages(field -> fixtures.valid(field, random), random);
  }

  /** At most {@link #CASES} of the inputs, the same ones for the same seed. */
  private static Map<String, byte[]> sample(Map<String, byte[]> inputs, Random random) {
    return sample(inputs, random, 0);
  }

  /** Like {@link #sample(Map, Random)}, always keeping the first {@code kept} inputs. */
  private static Map<String, byte[]> sample(Map<String, byte[]> inputs, Random random, int kept) {
    if (inputs.size() <= CASES) {
      return inputs;
    }
    List<String> names = new ArrayList<>(inputs.keySet());
    List<String> rest = new ArrayList<>(names.subList(kept, names.size()));
    Collections.shuffle(rest, random);
    Map<String, byte[]> sampled = new LinkedHashMap<>();
    names.subList(0, kept).forEach(name -> sampled.put(name, inputs.get(name)));
    rest.subList(0, CASES - kept).forEach(name -> sampled.put(name, inputs.get(name)));
    return sampled;
  }

  /** A short description of a hostile message for the failure report: its fields, long ones cut. */
  private static String describe(DynamicMessage message) {
    String text = message.toString().replace('\n', ' ').strip();
    return text.length() > 160 ? text.substring(0, 160) + "... (" + text.length() + " chars)" : text;
  }

  private static Metadata withToken() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + aliceToken);
    return headers;
  }

  private static Status.Code getMe(ManagedChannel channel) {
    try {
      AuthServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(withToken()))
          .withDeadlineAfter(10, TimeUnit.SECONDS).getMe(GetMeRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static ServingStatus health(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static String newPhone() {
    return "+90555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
  }

  private static VerifyOTPResponse signIn(String phone) {
    return GatewayCalls.signIn(gateway, phone, "fuzz");
  }
}
