package com.whatsappclone.bench;

import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the reconnect storm's devices are sent, to show they receive (issue 20: "all are receiving
 * messages within 15 s"): the users in pairs, one conversation per pair, and while the devices
 * connect, one message from each user to the other. So every device gets exactly one new message,
 * live if it is open by then, else in its catch-up; the storm client never acknowledges, so each
 * of a user's devices gets it.
 */
final class StormMessages {

  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

  private final List<BenchUser> users;
  private final String[] conversations;
  private final String runTag = Long.toString(System.nanoTime(), 36);
  private final AtomicReference<ConcurrentCalls.Outcome> sent = new AtomicReference<>();
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private Thread sender;

  private StormMessages(List<BenchUser> users) {
    this.users = users;
    this.conversations = new String[users.size() / 2];
  }

  /** Pairs up {@code users} (an odd one out is left out) and creates their conversations. */
  static StormMessages pairUp(Gateway gateway, List<BenchUser> users, int concurrency) throws InterruptedException {
    StormMessages messages = new StormMessages(List.copyOf(users.subList(0, users.size() & ~1)));
    ConcurrentCalls.run(messages.conversations.length, concurrency, Duration.ofMinutes(2), k ->
        Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()), messages.users.get(2 * k).accessToken)
            .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .createConversation(CreateConversationRequest.newBuilder()
                .addParticipantIds(messages.users.get(2 * k + 1).id).build()),
        (k, response) -> messages.conversations[k] = response.getConversation().getId());
    return messages;
  }

  /** The paired users: the storm's devices use their tokens, and no one else's. */
  List<BenchUser> users() {
    return users;
  }

  long conversationsCreated() {
    return java.util.Arrays.stream(conversations).filter(id -> id != null).count();
  }

  /** Sends every user's message on a thread of its own, {@code concurrency} calls in flight. */
  void startSending(Gateway gateway, int concurrency) {
    sender = new Thread(() -> {
      try {
        sent.set(ConcurrentCalls.run(users.size(), concurrency, Duration.ofMinutes(2), i -> {
          String conversation = conversations[i / 2];
          return Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()), users.get(i).accessToken)
              .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
              .sendMessage(SendMessageRequest.newBuilder()
                  .setConversationId(conversation == null ? "" : conversation)
                  .setContent("storm " + i)
                  .setClientMessageId("storm-" + runTag + "-" + i)
                  .build());
        }, (i, response) -> {}));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        sendFailure.set(e);
      }
    }, "bench-storm-sender");
    sender.setDaemon(true);
    sender.start();
  }

  /** The sends' outcome once all are answered (within {@code limit}); empty when they were not. */
  java.util.Optional<ConcurrentCalls.Outcome> awaitSent(Duration limit) throws InterruptedException {
    sender.join(limit.toMillis());
    if (sendFailure.get() != null) {
      throw new IllegalStateException("sending the storm's messages failed", sendFailure.get());
    }
    return java.util.Optional.ofNullable(sent.get());
  }
}
