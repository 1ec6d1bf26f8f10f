package com.whatsappclone.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.whatsappclone.testing.OriginalGoSchema;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whichever way a database started (this project's migrations from empty, or the original Go
 * backend's and then the takeover), it ends with one schema, and that schema has the original's
 * details that this project's first migrations had differently.
 */
@WithPostgres
class SchemaParityTest {

  /** The original's own migration files, when the checkout sits beside the project's spec. */
  private static final Path ORIGINAL_FILES = Path.of("..", "..", "shared", "spec", "original");

  private static TestDatabase fresh;
  private static TestDatabase takenOver;

  @BeforeAll
  static void migrateBothWays() {
    fresh = PostgresExtension.newDatabase();
    migrate(fresh);
    takenOver = PostgresExtension.newDatabase();
    OriginalGoSchema.migrateUp(takenOver, OriginalGoSchema.LAST_VERSION);
    migrate(takenOver);
  }

  @Test
  void databaseTakenOverFromTheOriginalEndsWithTheSameSchemaAsAFreshOne() throws Exception {
    List<String> freshCatalog = Catalog.describe(fresh);
    assertThat(freshCatalog).hasSizeGreaterThan(100);
    assertThat(Catalog.describe(takenOver)).containsExactlyElementsOf(freshCatalog);
  }

  @Test
  void freshSchemaHasTheOriginalsNotNullAndCascades() throws Exception {
    assertThat(Catalog.describe(fresh)).contains(
        "column blocked_users.created_at timestamp with time zone NOT NULL DEFAULT now()",
        "constraint messages.messages_conversation_id_fkey FOREIGN KEY (conversation_id) "
            + "REFERENCES conversations(id) ON DELETE CASCADE",
        "constraint messages.messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users(id) ON DELETE CASCADE",
        "constraint message_status.message_status_message_id_fkey FOREIGN KEY (message_id) "
            + "REFERENCES messages(id) ON DELETE CASCADE",
        "constraint message_status.message_status_user_id_fkey FOREIGN KEY (user_id) "
            + "REFERENCES users(id) ON DELETE CASCADE");
  }

  @Test
  void fixtureBuildsWhatTheOriginalsOwnFilesBuild() throws Exception {
    assumeTrue(Files.isDirectory(ORIGINAL_FILES), "the original's files are not beside this checkout");
    TestDatabase fromFixture = PostgresExtension.newDatabase();
    OriginalGoSchema.applySteps(fromFixture, OriginalGoSchema.LAST_VERSION);
    TestDatabase fromOriginal = PostgresExtension.newDatabase();
    OriginalGoSchema.applyOriginalFiles(fromOriginal, ORIGINAL_FILES);

    assertThat(Catalog.describe(fromFixture)).containsExactlyElementsOf(Catalog.describe(fromOriginal));
  }

  private static void migrate(TestDatabase db) {
    try (Database database = new Database(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()), "parity-test")) {
      Migrations.migrate(database.dataSource());
    }
  }
}
