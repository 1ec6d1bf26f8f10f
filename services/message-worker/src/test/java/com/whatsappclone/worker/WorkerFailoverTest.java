package com.whatsappclone.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.proto.events.MessageSubmitted;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.KafkaExtension;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover with real kills: a worker in a child JVM is killed ({@code kill -9}, no LeaveGroup, no
 * commit) while another worker, in this JVM, is in the same group. The survivor must own the dead
 * one's partitions, and store what is sent after the kill, within seconds (Kafka's defaults took
 * 45 s); a worker restarted under its instance id must take partitions back at once.
 */
@WithPostgres
@WithKafka
class WorkerFailoverTest {

  private static final int PARTITIONS = 6;
  /** The bar: no more than 10 s without storing after a single crash. */
  private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(10);

  private WorkerTestKit kit;
  private Admin admin;
  private final List<WorkerProcess> children = new ArrayList<>();
  private UUID alice;
  private UUID bob;

  @BeforeEach
  void newWorld() {
    kit = new WorkerTestKit();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaExtension.bootstrapServers()));
  }

  @AfterEach
  void closeWorld() throws Exception {
    for (WorkerProcess child : children) {
      child.close();
    }
    admin.close();
    kit.close();
  }

  @Test
  void aSurvivorOwnsAKilledWorkersPartitionsAndStoresWhatIsSentAfterTheKillWithinSeconds() throws Exception {
    WorkerProcess doomed = startChild(Map.of());
    awaitChildServing(doomed);
    GrpcServer survivor = kit.startWorker(WorkerHooks.NONE, settings());
    WorkerTestKit.awaitServing(survivor);
    awaitAssignment("both workers own partitions", 2);
    List<UUID> conversations = conversationsOnEveryPartition();

    long killed = System.nanoTime();
    doomed.kill();
    List<MessageSubmitted> sent = sendOneTo(conversations, "after the kill");

    awaitAssignment("the survivor owns every partition", 1);
    Duration takeover = since(killed);
    awaitAllStored(conversations, 1);
    Duration stored = since(killed);
    System.out.printf("failover: survivor owned all partitions %d ms and had stored %d messages %d ms after the kill%n",
        takeover.toMillis(), sent.size(), stored.toMillis());
    assertThat(takeover).as("kill to takeover").isLessThanOrEqualTo(FAILOVER_LIMIT);
    assertThat(stored).as("kill to every message sent after it stored").isLessThanOrEqualTo(FAILOVER_LIMIT);
  }

  @Test
  void aWorkerRestartedUnderItsInstanceIdGetsItsPartitionsBackAtOnce() throws Exception {
    // A session longer than the restart takes: the group still counts the dead member when its
    // successor joins, so only static membership can make the hand-back immediate (a dynamic
    // member would wait out the 30 s).
    Map<String, String> member = Map.of("MESSAGE_WORKER_INSTANCE_ID", "worker-a-" + UUID.randomUUID(),
        "MESSAGE_WORKER_SESSION_TIMEOUT", "30s");
    WorkerProcess first = startChild(member);
    awaitChildServing(first);
    GrpcServer other = kit.startWorker(WorkerHooks.NONE, settings());
    WorkerTestKit.awaitServing(other);
    awaitAssignment("both workers own partitions", 2);
    List<UUID> conversations = conversationsOnEveryPartition();

    first.kill();
    WorkerProcess restarted = startChild(member);
    sendOneTo(conversations, "across the restart");
    Eventually.await("the restarted worker to subscribe", () -> restarted.logged("consuming "), done -> done);
    long subscribed = System.nanoTime();
    awaitChildServing(restarted);
    Duration back = since(subscribed);
    awaitAllStored(conversations, 1);
    Duration stored = since(subscribed);
    System.out.printf("restart: restarted worker SERVING with partitions %d ms after it subscribed; all stored"
        + " %d ms after it subscribed%n", back.toMillis(), stored.toMillis());

    assertThat(back).as("subscribed to partitions owned").isLessThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(stored).as("subscribed to every message sent across the restart stored")
        .isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(group().members()).as("the same two members, no one waiting").hasSize(2);
    assertThat(WorkerTestKit.health(other)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aWorkerIsNotServingUntilTheGroupHasGivenItPartitionsAndThenStoresAtOnce() throws Exception {
    WorkerProcess alone = startChild(Map.of());
    awaitChildServing(alone);
    List<UUID> conversations = conversationsOnEveryPartition();

    // The dead member still holds every partition: the group waits for its session to end.
    alone.kill();
    GrpcServer next = kit.startWorker(WorkerHooks.NONE, settings());
    assertThat(WorkerTestKit.health(next)).as("health while the group still waits for the dead member")
        .isEqualTo(ServingStatus.NOT_SERVING);
    WorkerTestKit.awaitServing(next);
    long serving = System.nanoTime();
    sendOneTo(conversations, "sent once SERVING");

    awaitAllStored(conversations, 1);
    assertThat(since(serving)).as("SERVING to every partition's message stored").isLessThanOrEqualTo(Duration.ofSeconds(3));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>(kit.settings());
    settings.put("KAFKA_TOPIC_PARTITIONS", String.valueOf(PARTITIONS));
    return settings;
  }

  private WorkerProcess startChild(Map<String, String> overrides) throws Exception {
    Map<String, String> settings = settings();
    settings.putAll(overrides);
    WorkerProcess child = WorkerProcess.start(settings);
    children.add(child);
    return child;
  }

  private static void awaitChildServing(WorkerProcess child) throws Exception {
    try {
      Eventually.await("the child worker to serve", () -> {
        if (!child.isAlive()) {
          throw new AssertionError("the child worker ended:\n" + child.logTail());
        }
        try {
          return GrpcHealth.of(child.grpcPort());
        } catch (RuntimeException notListeningYet) {
          return ServingStatus.UNKNOWN;
        }
      }, status -> status == ServingStatus.SERVING);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("child worker log:\n" + child.logTail(), e);
    }
  }

  /** Waits until the group is stable with {@code members} members that together own every partition, each some. */
  private void awaitAssignment(String what, int members) throws Exception {
    Eventually.await(what, this::group, group -> group.members().size() == members
        && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())
        && group.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() == PARTITIONS);
  }

  private ConsumerGroupDescription group() throws Exception {
    return admin.describeConsumerGroups(List.of(kit.groupId)).all().get(10, TimeUnit.SECONDS).get(kit.groupId);
  }

  /** Conversations whose keys land on every partition of the submitted topic (the producer's own hash). */
  private List<UUID> conversationsOnEveryPartition() {
    alice = kit.createUser();
    bob = kit.createUser();
    Map<Integer, UUID> byPartition = new HashMap<>();
    while (byPartition.size() < PARTITIONS) {
      UUID conversation = kit.createConversation(alice, bob);
      byPartition.putIfAbsent(partitionOf(conversation), conversation);
    }
    return new ArrayList<>(byPartition.values());
  }

  private static int partitionOf(UUID conversation) {
    return Utils.toPositive(Utils.murmur2(conversation.toString().getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  private List<MessageSubmitted> sendOneTo(List<UUID> conversations, String content) throws Exception {
    List<MessageSubmitted> sent = new ArrayList<>();
    for (UUID conversation : conversations) {
      MessageSubmitted message = kit.message(conversation, alice, content, bob);
      kit.submit(message);
      sent.add(message);
    }
    return sent;
  }

  private void awaitAllStored(List<UUID> conversations, int each) throws Exception {
    for (UUID conversation : conversations) {
      kit.awaitStored(conversation, each);
    }
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }
}
