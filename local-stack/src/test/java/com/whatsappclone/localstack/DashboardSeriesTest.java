package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.whatsappclone.proto.auth.PushPlatform;
import com.whatsappclone.proto.auth.RegisterPushTokenRequest;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.ScrapedMetrics;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import com.whatsappclone.testing.push.FakeFcm;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * After real traffic through the whole system (sign-in, a message stored, delivered over the
 * WebSocket and pushed to a closed app), the services' metrics endpoints together serve every
 * series the Grafana dashboard (configs/observability/grafana/dashboards/whatsapp.json) queries:
 * a renamed metric or a binder that is not wired leaves a panel empty and fails here.
 */
@WithPostgres
@WithKafka
class DashboardSeriesTest {

  private static final Path DASHBOARD = Path.of("..", "configs", "observability", "grafana", "dashboards", "whatsapp.json");
  private static final Pattern SERIES = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*(?:\\{|\\[)");
  private static final Set<String> PROMQL_WORDS = Set.of("sum", "rate", "irate", "increase", "by", "without",
      "histogram_quantile", "max", "min", "avg", "topk", "on", "count");

  @Test
  void everySeriesTheDashboardQueriesIsServedAfterTraffic(TestDatabase db, TestKafka kafka) throws Exception {
    Set<String> queried = dashboardSeries();
    assertThat(queried).hasSizeGreaterThan(10);
    try (FakeFcm fcm = FakeFcm.start()) {
      Map<String, String> settings = new HashMap<>(fcm.settings());
      settings.put("PUSH_GROUP_ID", UniqueNames.of("dashboard-push"));
      try (RunningSystem system = RunningSystem.start(db, kafka.bootstrapServers(), settings)) {
        GrpcHealth.awaitServing("push", system.backendPorts().get("message-worker"), "push");
        traffic(system, fcm);
        System.gc(); // the services share this JVM: every registry sees a GC pause

        Set<String> missing = Eventually.await("every dashboard series served", () -> {
          Set<String> served = new TreeSet<>();
          for (int port : system.metricsPorts()) {
            ScrapedMetrics.scrape(port).text().lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .forEach(served::add);
          }
          Set<String> absent = new TreeSet<>(queried);
          absent.removeAll(served);
          return absent;
        }, Set::isEmpty);
        assertThat(missing).isEmpty();
        assertThat(system.metricsPorts()).hasSize(6);
      }
    }
  }

  private static void traffic(RunningSystem system, FakeFcm fcm) throws Exception {
    ManagedChannel gateway = system.gatewayChannel();
    String alicePhone = GatewayCalls.newPhoneNumber();
    GatewayCalls.auth(gateway).sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(alicePhone).build());
    VerifyOTPResponse alice = GatewayCalls.signIn(gateway, alicePhone, "alice-phone");
    VerifyOTPResponse bob = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "bob-phone");
    VerifyOTPResponse carol = GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "carol-phone");
    String carolsToken = "fcm-" + UUID.randomUUID();
    GatewayCalls.auth(gateway).withCallCredentials(GatewayCalls.bearer(carol.getAccessToken()))
        .registerPushToken(RegisterPushTokenRequest.newBuilder()
            .setPlatform(PushPlatform.PUSH_PLATFORM_FCM).setToken(carolsToken).build());
    ChatServiceGrpc.ChatServiceBlockingStub chat = ChatServiceGrpc.newBlockingStub(gateway)
        .withCallCredentials(GatewayCalls.bearer(alice.getAccessToken())).withDeadlineAfter(10, TimeUnit.SECONDS);
    String group = chat.createConversation(CreateConversationRequest.newBuilder().setIsGroup(true).setGroupName("g")
        .addParticipantIds(bob.getUser().getId()).addParticipantIds(carol.getUser().getId()).build())
        .getConversation().getId();
    String before = chat.sendMessage(SendMessageRequest.newBuilder().setConversationId(group).setContent("before")
        .build()).getMessage().getId();

    // Bob connects (catch-up of "before"), then receives one live.
    try (TextFrames socket = TextFrames.open(system.webSocketPort(), bob.getAccessToken())) {
      socket.awaitNewMessage(before);
      String live = chat.sendMessage(SendMessageRequest.newBuilder().setConversationId(group).setContent("live")
          .build()).getMessage().getId();
      socket.awaitNewMessage(live);
    }
    Eventually.await("Carol's pushes", () -> fcm.received().stream().filter(r -> r.token().equals(carolsToken)).count(),
        n -> n >= 1);
  }

  private static Set<String> dashboardSeries() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    collect(dashboard, expressions);
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher matcher = SERIES.matcher(expression);
      while (matcher.find()) {
        if (!PROMQL_WORDS.contains(matcher.group(1))) {
          names.add(matcher.group(1));
        }
      }
    }
    return names;
  }

  private static void collect(JsonNode node, List<String> expressions) {
    if (node.isObject()) {
      node.fields().forEachRemaining(field -> {
        if (field.getKey().equals("expr") && field.getValue().isTextual()) {
          expressions.add(field.getValue().asText());
        } else {
          collect(field.getValue(), expressions);
        }
      });
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, expressions));
    }
  }
}
