package com.whatsappclone.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
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

      Map<String, TopicDescription> described =
          admin.describeTopics(List.of(first, second)).allTopicNames().get(10, TimeUnit.SECONDS);
      assertThat(described.get(first).partitions()).hasSize(3);
      assertThat(described.get(second).partitions()).hasSize(1);
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
