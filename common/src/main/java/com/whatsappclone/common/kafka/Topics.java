package com.whatsappclone.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs at start-up, so nothing depends on the broker's
 * auto-creation (off in most production clusters, and it would pick its own partition count).
 */
public final class Topics {

  private static final Logger log = LoggerFactory.getLogger(Topics.class);

  private Topics() {}

  /** {@link #ensure(Admin, Collection)} through a short-lived admin client on these brokers. */
  public static List<String> ensure(String bootstrapServers, Collection<NewTopic> topics) {
    return ensure(new KafkaFactories(bootstrapServers, "topics"), topics);
  }

  /** {@link #ensure(Admin, Collection)} through a short-lived admin client of {@code factories}. */
  public static List<String> ensure(KafkaFactories factories, Collection<NewTopic> topics) {
    try (Admin admin = factories.newAdmin()) {
      return ensure(admin, topics);
    }
  }

  /**
   * Creates each topic that does not exist yet; existing ones are left as they are (their
   * partition count is not changed). Safe to run from several instances at once.
   *
   * @return the names created by this call
   * @throws KafkaException naming the topic, when the broker refuses or does not answer within
   *                        {@link KafkaFactories#ADMIN_TIMEOUT}
   */
  public static List<String> ensure(Admin admin, Collection<NewTopic> topics) {
    Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      String topic = result.getKey();
      try {
        result.getValue().get(KafkaFactories.ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        created.add(topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new KafkaException("could not create Kafka topic " + topic + ": " + e.getCause(),
              e.getCause());
        }
      } catch (TimeoutException e) {
        throw new KafkaException("creating Kafka topic " + topic + " got no answer within "
            + KafkaFactories.ADMIN_TIMEOUT, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("interrupted while creating Kafka topic " + topic, e);
      }
    }
    if (!created.isEmpty()) {
      log.info("created Kafka topics {}", created);
    }
    return created;
  }
}
