package com.whatsappclone.testing;

/** Something the test JVM stops on exit: a server, a container, or nothing for external servers. */
@FunctionalInterface
interface Stoppable {
  void stop() throws Exception;
}
