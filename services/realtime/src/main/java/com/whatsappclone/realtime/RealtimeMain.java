package com.whatsappclone.realtime;

import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;

/** Starts the realtime service: gRPC Connect stream and WebSocket endpoint. */
public final class RealtimeMain {

  private RealtimeMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("realtime", settings -> RealtimeApplication.start(settings, Clock.systemUTC()));
  }
}
