package com.whatsappclone.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

@WithKafka
class TopicsTest {

  @Test
  void ensureCreatesMissingTopicsOnceAndIsANoOpTheSecondTime(TestKafka kafka) throws Exception {
    KafkaFactories factories = new KafkaFactories(kafka.bootstrapServers(), "topics-test");
    String first = UniqueNames.of("ensure-a");
    String second = UniqueNames.of("ensure-b");
    List<NewTopic> topics = List.of(new NewTopic(first, 3, (short) 1), new NewTopic(second, 1, (short) 1));

    try (Admin admin = factories.newAdmin()) {
      assertThat(Topics.ensure(admin, topics)).containsExactlyInAnyOrder(first, second);
      assertThat(Topics.ensure(admin, topics)).isEmpty();

      // A broker may answer "unknown topic" for a moment after creating it (metadata propagation).
      Map<String, TopicDescription> described = Eventually.await("both topics described",
          () -> describe(admin, List.of(first, second)), found -> found != null);
      assertThat(described.get(first).partitions()).hasSize(3);
      assertThat(described.get(second).partitions()).hasSize(1);
    }
  }

  /** The topics' descriptions, or null while the broker does not know them all yet. */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> names) throws Exception {
    try {
      return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
  }

  @Test
  void ensureThroughBootstrapServersCreatesOnlyWhatIsMissing(TestKafka kafka) {
    String existing = UniqueNames.of("ensure-existing");
    String fresh = UniqueNames.of("ensure-fresh");
    Topics.ensure(kafka.bootstrapServers(), List.of(new NewTopic(existing, 1, (short) 1)));

    List<String> created = Topics.ensure(kafka.bootstrapServers(),
        List.of(new NewTopic(existing, 1, (short) 1), new NewTopic(fresh, 1, (short) 1)));

    assertThat(created).containsExactly(fresh);
  }

  @Test
  void projectTopicsHaveDistinctDottedNames() {
    assertThat(KafkaTopics.ALL).doesNotHaveDuplicates().allMatch(name -> name.matches("[a-z]+\\.[a-z-]+"));
    assertThat(KafkaTopics.all(6, (short) 1)).extracting(NewTopic::name)
        .containsExactlyElementsOf(KafkaTopics.ALL);
    assertThat(KafkaTopics.all(6, (short) 1)).allSatisfy(topic -> {
      assertThat(topic.numPartitions()).isEqualTo(6);
      assertThat(topic.replicationFactor()).isEqualTo((short) 1);
    });
  }
}
