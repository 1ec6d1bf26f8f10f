package com.whatsappclone.auth;

import com.whatsappclone.common.grpc.ServiceLauncher;
import java.time.Clock;

/** Starts the auth service; settings come from the environment and env files. */
public final class AuthMain {

  private AuthMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run("auth", settings -> AuthApplication.start(settings, Clock.systemUTC()));
  }
}
