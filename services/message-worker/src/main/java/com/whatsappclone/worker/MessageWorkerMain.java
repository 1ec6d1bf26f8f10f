package com.whatsappclone.worker;

import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;

/** Starts the message worker: the Kafka to PostgreSQL consumer and its health endpoint. */
public final class MessageWorkerMain {

  private MessageWorkerMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("message-worker", settings -> MessageWorkerApplication.start(settings, Clock.systemUTC()));
  }
}
