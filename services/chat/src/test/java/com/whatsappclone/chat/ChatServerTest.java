package com.whatsappclone.chat;

import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class against one {@link ChatTestKit} of its own with the default settings (chat and a
 * worker on a fresh database and topic prefix). A subclass's own {@code @BeforeAll} runs after
 * the kit started. Test classes run one after another, so the static field belongs to one class
 * at a time.
 */
@WithPostgres
@WithKafka
abstract class ChatServerTest {

  static ChatTestKit kit;

  @BeforeAll
  static void startKit() throws Exception {
    kit = new ChatTestKit();
  }

  @AfterAll
  static void closeKit() throws Exception {
    kit.close();
  }
}
