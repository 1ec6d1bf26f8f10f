package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Realtime's series (issue 19) after real WebSocket and gRPC clients, Kafka and PostgreSQL. */
@WithPostgres
@WithKafka
class RealtimeMetricsTest {

  @Test
  void deliveriesCatchUpsConnectionsReceiptsAndRefusedFramesAreCounted() throws Exception {
    ServiceMetrics metrics = ServiceMetrics.create("realtime");
    MeterRegistry registry = metrics.registry();
    try (RealtimeTestServer server = RealtimeTestServer.start(RealtimeTestServer.newDatabase(), Map.of(),
        CatchUpProbe.NONE, Clock.systemUTC(), metrics)) {
      Fixtures fixtures = server.fixtures;
      UUID alice = fixtures.newUser();
      UUID bob = fixtures.newUser();
      UUID chat = fixtures.conversation(alice, bob);
      MessageStored missed = fixtures.storeMessage(chat, alice, "while you were away", bob);

      WsClient bobDevice = server.ws(bob);
      assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId())
          .isEqualTo(missed.getMessageId());
      StreamClient aliceStream = server.grpc(alice);
      aliceStream.eventsUntilPong();
      bobDevice.eventsUntilPong(); // caught up: what follows is live
      MessageStored live = fixtures.storeMessage(chat, alice, "hello", bob);
      server.publish(live);
      assertThat(bobDevice.next(EventCase.NEW_MESSAGE).getNewMessage().getMessageId())
          .isEqualTo(live.getMessageId());
      bobDevice.sendJson("{\"ack\":{\"messageId\":\"" + live.getMessageId() + "\",\"conversationId\":\"" + chat + "\"}}");
      bobDevice.sendJson("{\"readReceipt\":{\"messageId\":\"" + live.getMessageId()
          + "\",\"conversationId\":\"" + chat + "\"}}");
      // The sender hears of both receipts (once written), with whatever else comes between.
      while (!aliceStream.next().hasRead()) {
        continue;
      }
      bobDevice.sendJson("{not json");
      assertThat(bobDevice.next(EventCase.ERROR).getError().getCode()).isNotEmpty();

      assertThat(count(registry, "messages.delivered", "path", "catchup")).isEqualTo(1.0);
      assertThat(count(registry, "messages.delivered", "path", "live")).isEqualTo(1.0);
      Timer latency = registry.get("messages.delivered.latency").timer();
      assertThat(latency.count()).isEqualTo(1);
      assertThat(latency.max(TimeUnit.SECONDS)).isBetween(0.0, 60.0);
      DistributionSummary catchUps = registry.get("realtime.catchup.size").summary();
      // Bob's and alice's connections (a pong may overtake a catch-up that found nothing).
      Eventually.await("both catch-ups", catchUps::count, n -> n == 2);
      assertThat(catchUps.max()).isEqualTo(1.0);
      assertThat(count(registry, "realtime.receipts", "kind", "delivered")).isEqualTo(1.0);
      assertThat(count(registry, "realtime.receipts", "kind", "read")).isEqualTo(1.0);
      assertThat(count(registry, "realtime.frames.refused", "reason", "malformed")).isEqualTo(1.0);
      assertThat(gauge(registry, "websocket")).isEqualTo(1.0);
      assertThat(gauge(registry, "grpc")).isEqualTo(1.0);

      bobDevice.close();
      aliceStream.close();
      Eventually.await("both connections gone", () -> gauge(registry, "websocket") + gauge(registry, "grpc"),
          n -> n == 0.0);
      assertThat(metrics.scrape())
          .contains("messages_delivered_total{path=\"live\",service=\"realtime\"} 1.0")
          .contains("messages_delivered_latency_seconds_bucket{")
          .contains("realtime_catchup_size_messages_count{service=\"realtime\"} 2")
          .contains("realtime_connections{service=\"realtime\",transport=\"grpc\"} 0.0");
    }
  }

  private static double count(MeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private static double gauge(MeterRegistry registry, String transport) {
    return registry.get("realtime.connections").tag("transport", transport).gauge().value();
  }
}
