package com.whatsappclone.chat;

import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;

/** Starts the chat service. */
public final class ChatMain {

  private ChatMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("chat", settings -> ChatApplication.start(settings, Clock.systemUTC()));
  }
}
