package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Chat's series (issue 19) after real sends through gRPC, Kafka and the worker. */
@WithPostgres
@WithKafka
class ChatMetricsTest {

  @Test
  void acceptedSendsAreCountedByKindAndRefusedOnesByTheirLimit() throws Exception {
    // Bursts of three; the kit's clock stands still, so the fourth send in a row is refused.
    try (ChatTestKit kit = new ChatTestKit(KafkaExtension.bootstrapServers(),
        Map.of("CHAT_SEND_RATE_PER_SECOND", "1", "CHAT_SEND_BURST", "3"))) {
      MeterRegistry registry = kit.metrics.registry();
      UUID alice = kit.createUser();
      UUID bob = kit.createUser();
      UUID carol = kit.createUser();
      Conversation direct = kit.direct(alice, bob);
      Conversation group = kit.group(alice, "team", bob, carol);

      kit.send(alice, direct.getId(), "one");
      kit.send(alice, group.getId(), "two");
      kit.as(alice).sendMessage(SendMessageRequest.newBuilder().setConversationId(direct.getId())
          .setContent("three").setClientMessageId("c-1").build());
      StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
          () -> kit.send(alice, direct.getId(), "one too many"));
      // A send that is not valid is neither accepted nor a rate-limit refusal.
      StatusRuntimeException invalid = catchThrowableOfType(StatusRuntimeException.class,
          () -> kit.send(bob, direct.getId(), ""));

      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(registry.get("messages.accepted").tag("kind", "direct").counter().count()).isEqualTo(2.0);
      assertThat(registry.get("messages.accepted").tag("kind", "group").counter().count()).isEqualTo(1.0);
      assertThat(registry.get("ratelimit.refused").tag("limit", "chat_send").counter().count()).isEqualTo(1.0);
      assertThat(kit.metrics.scrape())
          .contains("messages_accepted_total{kind=\"direct\",service=\"chat\"} 2.0")
          .contains("ratelimit_refused_total{limit=\"chat_send\",service=\"chat\"} 1.0");
    }
  }
}
