package com.whatsappclone.testing;

import java.util.function.Supplier;

/**
 * One server shared by every test class of the JVM: started on first use, stopped when the JVM
 * exits. A failed start is remembered, so later classes fail at once with the same cause instead
 * of paying for another attempt.
 */
final class SharedServer<S extends Stoppable> {

  private final String name;
  private final Supplier<S> starter;
  private S server;
  private RuntimeException startFailure;

  /** @param name for the shutdown hook's messages ("postgres", "kafka") */
  SharedServer(String name, Supplier<S> starter) {
    this.name = name;
    this.starter = starter;
  }

  synchronized S get() {
    if (startFailure != null) {
      throw new IllegalStateException("the shared server failed to start earlier in this JVM: "
          + startFailure.getMessage(), startFailure);
    }
    if (server == null) {
      S started;
      try {
        started = starter.get();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
      Shutdown.onExit(name, started);
      server = started;
    }
    return server;
  }
}
