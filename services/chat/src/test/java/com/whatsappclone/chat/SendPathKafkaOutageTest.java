package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kafka down: SendMessage answers UNAVAILABLE within the call's deadline (never hangs, never
 * pretends), and works again once Kafka is back, without restarting chat or the worker.
 */
@WithPostgres
@WithKafka
@SuppressWarnings("try") // the kits' close() may be interrupted like any test code
class SendPathKafkaOutageTest {

  @Test
  void chatWhoseBrokerIsNotThereAnswersUnavailableWithinTheDeadlineAndStillServesReads() throws Exception {
    String nowhere = "127.0.0.1:" + unusedPort();
    try (ChatTestKit kit = new ChatTestKit(com.whatsappclone.testing.KafkaExtension.bootstrapServers(),
        Map.of("KAFKA_BROKERS", nowhere))) {
      UUID alice = kit.createUser();
      UUID bob = kit.createUser();
      Conversation conversation = kit.direct(alice, bob);

      assertUnavailable(kit, alice, SendMessageRequest.newBuilder().setConversationId(conversation.getId())
          .setContent("into the void").build());
      assertThat(kit.as(alice).getConversations(GetConversationsRequest.getDefaultInstance())
          .getConversationsList()).extracting(Conversation::getId).containsExactly(conversation.getId());
    }
  }

  @Test
  void whenTheBrokerStopsSendAnswersUnavailableAndWhenItIsBackTheSameServicesDeliverEverythingOnce()
      throws Exception {
    try (RestartableKafka kafka = RestartableKafka.start();
        ChatTestKit kit = new ChatTestKit(kafka.bootstrapServers(), Map.of())) {
      UUID alice = kit.createUser();
      UUID bob = kit.createUser();
      Conversation conversation = kit.direct(alice, bob);
      Message before = kit.send(alice, conversation.getId(), "before the outage");
      kit.awaitStored(bob, conversation.getId(), 1);
      SendMessageRequest duringOutage = SendMessageRequest.newBuilder().setConversationId(conversation.getId())
          .setContent("sent while Kafka is down").setClientMessageId("outage-1").build();

      kafka.stopBroker();
      assertUnavailable(kit, alice, duringOutage);
      assertUnavailable(kit, bob, SendMessageRequest.newBuilder().setConversationId(conversation.getId())
          .setContent("no client id").build());
      kafka.startBroker();

      // The client retries with the same client_message_id until chat accepts it again.
      Message accepted = Eventually.await("chat to accept messages again", () -> {
        try {
          return kit.as(alice).withDeadlineAfter(5, TimeUnit.SECONDS).sendMessage(duringOutage).getMessage();
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          return null;
        }
      }, message -> message != null);
      Message after = kit.send(bob, conversation.getId(), "after the outage");

      List<Message> stored = Eventually.await("the worker to store again",
          () -> kit.awaitStored(bob, conversation.getId(), 2),
          messages -> messages.stream().anyMatch(m -> m.getId().equals(after.getId())));
      // "no client id" may or may not have made it (its send could complete after its caller
      // was told UNAVAILABLE); everything else is there exactly once, in order.
      List<Message> withoutMaybe = stored.stream().filter(m -> !m.getContent().equals("no client id")).toList();
      assertThat(withoutMaybe).extracting(Message::getId)
          .containsExactly(after.getId(), accepted.getId(), before.getId());
      assertThat(stored).extracting(Message::getSeq).isSortedAccordingTo((a, b) -> Long.compare(b, a))
          .doesNotHaveDuplicates();
      assertThat(stored.get(stored.size() - 1).getSeq()).isEqualTo(1);
      assertThat(stored.get(0).getSeq()).isEqualTo(stored.size());
    }
  }

  /** UNAVAILABLE, not DEADLINE_EXCEEDED: chat answered before the client's deadline. */
  private static void assertUnavailable(ChatTestKit kit, UUID caller, SendMessageRequest request) {
    assertThatThrownBy(() -> kit.as(caller).withDeadlineAfter(3, TimeUnit.SECONDS).sendMessage(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("message queue unavailable");
        });
  }

  private static int unusedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
