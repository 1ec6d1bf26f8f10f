package com.whatsappclone.testing;

/**
 * Stops the shared servers when the test JVM exits. A JVM shutdown hook rather than a JUnit store
 * resource, because the servers are shared by every test class of the JVM and may be reached through
 * the static accessors from code that never registered an extension.
 */
final class Shutdown {

  private Shutdown() {}

  static void onExit(String what, Stoppable resource) {
    Thread hook = new Thread(() -> {
      try {
        resource.stop();
      } catch (Exception e) {
        // Logging may already be shut down at this point; stderr always works and surefire keeps it.
        System.err.println("test-infra: stopping " + what + " failed: " + e);
        e.printStackTrace(System.err);
      }
    }, "test-infra-stop-" + what.replace(' ', '-'));
    Runtime.getRuntime().addShutdownHook(hook);
  }
}
