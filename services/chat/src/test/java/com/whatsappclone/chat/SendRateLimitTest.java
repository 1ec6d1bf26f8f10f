package com.whatsappclone.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.chat.Conversation;
import com.whatsappclone.proto.chat.Message;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-user SendMessage limit, over the real server, its time moved by the kit's clock. */
@WithPostgres
@WithKafka
class SendRateLimitTest {

  private static ChatTestKit kit;

  @BeforeAll
  static void start() throws Exception {
    // Two a second, bursts of three: a token every 500 ms.
    kit = new ChatTestKit(KafkaExtension.bootstrapServers(),
        Map.of("CHAT_SEND_RATE_PER_SECOND", "2", "CHAT_SEND_BURST", "3"));
  }

  @AfterAll
  static void stop() throws Exception {
    kit.close();
  }

  @Test
  void senderBeyondItsRateGetsResourceExhaustedWithRetryInfoUntilATokenIsBack() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    sendWholeBurst(alice, conversation, "burst ");

    StatusRuntimeException refused = refusal(alice, conversation);

    assertThat(refused.getStatus().getDescription())
        .isEqualTo("sending too fast: at most 2 messages a second (bursts of 3); retry in 500 ms");
    com.google.rpc.Status details = StatusProto.fromThrowable(refused);
    assertThat(details.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
    // The RetryInfo, then the ErrorInfo every error carries.
    assertThat(details.getDetailsList()).hasSize(2);
    assertThat(details.getDetails(0).is(RetryInfo.class)).isTrue();
    assertThat(ErrorDetails.reason(refused)).isEqualTo("RATE_LIMITED");
    assertThat(retryDelay(refused)).isEqualTo(Duration.ofMillis(500));

    kit.clock.advance(Duration.ofMillis(200));
    assertThat(retryDelay(refusal(alice, conversation))).isEqualTo(Duration.ofMillis(300));
    kit.clock.advance(Duration.ofMillis(300));
    kit.send(alice, conversation.getId(), "after the wait");
    assertThat(retryDelay(refusal(alice, conversation))).isEqualTo(Duration.ofMillis(500));

    List<Message> stored = kit.awaitStored(bob, conversation.getId(), 4);
    assertThat(stored).extracting(Message::getContent)
        .containsExactly("after the wait", "burst 2", "burst 1", "burst 0");
  }

  @Test
  void eachSenderHasItsOwnAllowance() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    sendWholeBurst(alice, conversation, "alice ");
    refusal(alice, conversation);

    assertThat(kit.send(bob, conversation.getId(), "bob still sends").getContent())
        .isEqualTo("bob still sends");
  }

  @Test
  void refusedSendsDoNotUseUpTheAllowance() throws Exception {
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    Conversation conversation = kit.direct(alice, bob);
    sendWholeBurst(alice, conversation, "burst ");
    for (int i = 0; i < 5; i++) {
      refusal(alice, conversation);
    }

    kit.clock.advance(Duration.ofMillis(500));
    kit.send(alice, conversation.getId(), "one token came back");
  }

  @Test
  void limitDefaultsToTwentyASecondWithBurstsOfSixtyAndBadValuesAreNamed() {
    assertThat(SendLimitSettings.from(Settings.of(Map.of()))).isEqualTo(new SendLimitSettings(20, 60));

    Settings bad = Settings.of(Map.of("CHAT_SEND_RATE_PER_SECOND", "0", "CHAT_SEND_BURST", "lots"));
    SendLimitSettings.from(bad);
    assertThat(String.join("\n", bad.problems()))
        .contains("CHAT_SEND_RATE_PER_SECOND").contains("CHAT_SEND_BURST");
  }

  /** The burst of three the limit allows at once: "{prefix}0" to "{prefix}2". */
  private static void sendWholeBurst(UUID sender, Conversation conversation, String prefix) {
    for (int i = 0; i < 3; i++) {
      kit.send(sender, conversation.getId(), prefix + i);
    }
  }

  private static StatusRuntimeException refusal(UUID sender, Conversation conversation) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> kit.send(sender, conversation.getId(), "one too many"));
    assertThat(e).as("the send should have been refused").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    return e;
  }

  private static Duration retryDelay(StatusRuntimeException e) throws Exception {
    RetryInfo info = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
    return Duration.ofSeconds(info.getRetryDelay().getSeconds(), info.getRetryDelay().getNanos());
  }
}
