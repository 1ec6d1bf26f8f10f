package com.whatsappclone.bench;

import com.whatsappclone.localstack.LocalKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The fault suite's Kafka broker in a child JVM of its own, so it can be stopped and started again
 * on the same port and log folder: the local stack's embedded broker ({@link LocalKafka}).
 * SIGTERM shuts it down cleanly. Arguments: log folder, broker port, controller port.
 */
public final class FaultKafkaMain {

  private FaultKafkaMain() {}

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int brokerPort = Integer.parseInt(args[1]);
    LocalKafka kafka = LocalKafka.start(Path.of(args[0]), host, brokerPort, Integer.parseInt(args[2]));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "fault-kafka-stop"));
    System.out.println("kafka ready on " + host + ":" + brokerPort);
    stopped.await();
  }
}
