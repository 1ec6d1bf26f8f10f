package com.whatsappclone.realtime;

import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class against one realtime server of its own with the default test settings
 * ({@link RealtimeTestServer#start(Map)}). Classes that need other settings start their own.
 * Test classes run one after another, so the static fields belong to one class at a time.
 */
@WithPostgres
@WithKafka
abstract class RealtimeServerTest {

  static RealtimeTestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void startServer() {
    server = RealtimeTestServer.start(Map.of());
    fixtures = server.fixtures;
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
