package com.whatsappclone.status;

import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;

/** Starts the status service; settings come from the environment and env files. */
public final class StatusMain {

  private StatusMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("status", settings -> StatusApplication.start(settings, Clock.systemUTC()));
  }
}
