package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.events.MessageStored;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.TopicReader;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker dies in the middle of a batch (a hook throws, as a killed process would stop there:
 * offsets not committed), then a new worker of the same group takes over: every message ends up
 * stored exactly once with consecutive seq, and every stored event is published.
 */
@WithPostgres
@WithKafka
class WorkerCrashRecoveryTest {

  private static final int MESSAGES_PER_CONVERSATION = 20;

  /** Throws once, at the chosen point, like a crash. */
  static final class CrashOnce implements WorkerHooks {
    final boolean afterCommit;
    final CountDownLatch crashed = new CountDownLatch(1);
    final AtomicInteger batchSizeAtCrash = new AtomicInteger();

    CrashOnce(boolean afterCommit) {
      this.afterCommit = afterCommit;
    }

    @Override
    public void afterDatabaseCommit(int messagesInBatch) {
      if (afterCommit) {
        crash(messagesInBatch);
      }
    }

    @Override
    public void afterEventsPublished(int messagesInBatch) {
      if (!afterCommit) {
        crash(messagesInBatch);
      }
    }

    private void crash(int messagesInBatch) {
      if (crashed.getCount() > 0) {
        batchSizeAtCrash.set(messagesInBatch);
        crashed.countDown();
        throw new IllegalStateException("simulated crash in a batch of " + messagesInBatch + " messages");
      }
    }
  }

  private WorkerTestKit kit;

  @BeforeEach
  void newWorld() {
    kit = new WorkerTestKit();
  }

  @AfterEach
  void closeWorld() throws Exception {
    kit.close();
  }

  @Test
  void crashAfterTheDatabaseCommitThenRestartStoresEachMessageOnceAndPublishesEveryStoredEvent()
      throws Exception {
    CrashOnce crash = new CrashOnce(true);
    Scenario scenario = runUntilCrash(crash);

    assertThat(kit.count("SELECT count(*) FROM messages")).isEqualTo(crash.batchSizeAtCrash.get());
    TopicReader stored = kit.reader(kit.topics.stored());
    assertThat(stored.pollOnce()).as("no stored event before the restart").isEmpty();

    // The crashed run published nothing, so each message's event comes exactly once.
    restartAndCheck(scenario, stored, 2 * MESSAGES_PER_CONVERSATION);
  }

  @Test
  void crashAfterPublishingBeforeTheOffsetCommitThenRestartStoresEachMessageOnceWithTheSameSeq()
      throws Exception {
    CrashOnce crash = new CrashOnce(false);
    Scenario scenario = runUntilCrash(crash);
    TopicReader stored = kit.reader(kit.topics.stored());

    // The crashed batch was re-delivered: its events come twice, with the same seq both times.
    List<MessageStored> events = restartAndCheck(scenario, stored,
        2 * MESSAGES_PER_CONVERSATION + crash.batchSizeAtCrash.get());

    assertThat(events.stream().map(MessageStored::getMessageId).distinct().count())
        .isEqualTo(2L * MESSAGES_PER_CONVERSATION);
  }

  private record Scenario(UUID first, UUID second, List<MessageSubmitted> toFirst,
      List<MessageSubmitted> toSecond, GrpcServer crashedWorker) {}

  private Scenario runUntilCrash(CrashOnce crash) throws Exception {
    // Everything is submitted before the worker starts, so that its first batch holds many
    // messages of both conversations and the crash interrupts a real batch.
    kit.migrate();
    kit.createTopics();
    UUID alice = kit.createUser();
    UUID bob = kit.createUser();
    UUID first = kit.createConversation(alice, bob);
    UUID second = kit.createConversation(alice, bob);

    List<MessageSubmitted> toFirst = new ArrayList<>();
    List<MessageSubmitted> toSecond = new ArrayList<>();
    for (int i = 0; i < MESSAGES_PER_CONVERSATION; i++) {
      MessageSubmitted a = kit.message(first, alice, "a" + i, bob);
      MessageSubmitted b = kit.message(second, bob, "b" + i, alice);
      toFirst.add(a);
      toSecond.add(b);
      kit.submit(a, b);
    }
    GrpcServer worker = kit.startWorker(crash);
    assertThat(crash.crashed.await(60, TimeUnit.SECONDS)).as("the worker crashed").isTrue();
    Eventually.await("the crashed worker to report NOT_SERVING", () -> WorkerTestKit.health(worker),
        status -> status == ServingStatus.NOT_SERVING);
    assertThat(crash.batchSizeAtCrash.get()).isGreaterThan(1);
    return new Scenario(first, second, toFirst, toSecond, worker);
  }

  /** Starts a second worker in the same group; checks the database and returns every stored event. */
  private List<MessageStored> restartAndCheck(Scenario scenario, TopicReader stored, int expectedEvents)
      throws Exception {
    scenario.crashedWorker().stop();
    GrpcServer replacement = kit.startWorker(WorkerHooks.NONE);
    WorkerTestKit.awaitServing(replacement);

    for (UUID conversation : List.of(scenario.first(), scenario.second())) {
      List<MessageSubmitted> sent = conversation.equals(scenario.first()) ? scenario.toFirst() : scenario.toSecond();
      List<String> rows = Eventually.await("all messages stored", () -> kit.seqAndIds(conversation),
          r -> r.size() >= MESSAGES_PER_CONVERSATION);
      assertThat(rows).containsExactlyElementsOf(IntStream.range(0, sent.size())
          .mapToObj(i -> (i + 1) + ":" + sent.get(i).getMessageId()).toList());
    }
    assertThat(kit.count("SELECT count(*) FROM message_status")).isEqualTo(2L * MESSAGES_PER_CONVERSATION);

    // Every offset committed: the replacement has published all it will publish.
    Eventually.await("the replacement to commit every offset", () -> committedAll(), done -> done);
    stored.readUntil(expectedEvents + " stored events",
        records -> WorkerTestKit.storedEvents(stored).size() >= expectedEvents);
    stored.pollOnce();
    List<MessageStored> events = WorkerTestKit.storedEvents(stored);
    assertThat(events).hasSize(expectedEvents);
    Map<String, Long> seqById = new HashMap<>();
    for (MessageSubmitted m : scenario.toFirst()) {
      seqById.put(m.getMessageId(), (long) scenario.toFirst().indexOf(m) + 1);
    }
    for (MessageSubmitted m : scenario.toSecond()) {
      seqById.put(m.getMessageId(), (long) scenario.toSecond().indexOf(m) + 1);
    }
    assertThat(events).allSatisfy(e -> assertThat(e.getSeq()).isEqualTo(seqById.get(e.getMessageId())));
    assertThat(events.stream().map(MessageStored::getMessageId).collect(Collectors.toSet()))
        .isEqualTo(seqById.keySet());
    return events;
  }

  /** Whether the group's committed offsets reached the end of the submitted topic. */
  private boolean committedAll() throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
        "bootstrap.servers", com.whatsappclone.testing.KafkaExtension.bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(kit.groupId).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      long committedTotal = committed.values().stream().filter(java.util.Objects::nonNull)
          .mapToLong(o -> o.offset()).sum();
      return committedTotal == 2L * MESSAGES_PER_CONVERSATION;
    }
  }
}
