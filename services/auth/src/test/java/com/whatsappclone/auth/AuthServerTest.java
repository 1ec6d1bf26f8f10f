package com.whatsappclone.auth;

import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class against one auth server of its own with the default settings (dev mode, the
 * default limits), on a test clock that starts now. Classes that need other settings start their
 * own. Test classes run one after another, so the static fields belong to one class at a time.
 */
@WithPostgres
abstract class AuthServerTest {

  static MutableClock clock;
  static AuthTestServer auth;

  @BeforeAll
  static void startAuth() {
    clock = MutableClock.startingNow();
    auth = AuthTestServer.start(clock, Map.of());
  }

  @AfterAll
  static void stopAuth() {
    auth.close();
  }
}
