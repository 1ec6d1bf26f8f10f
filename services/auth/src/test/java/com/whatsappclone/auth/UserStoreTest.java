package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.sql.Connection;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** users directly: find-or-create in one statement for a returning user. */
@WithPostgres
class UserStoreTest {

  private static Database database;

  @BeforeAll
  static void start() {
    TestDatabase db = PostgresExtension.newDatabase();
    database = Database.start(new DatabaseConfig(db.jdbcUrl(), db.user(), db.password(), 4, true));
  }

  @AfterAll
  static void stop() {
    database.close();
  }

  @Test
  void findOrCreateCreatesOnceThenFindsTheSameUserAsNotCreated() throws Exception {
    String phone = TestPhones.next();
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    UserStore.FoundUser first;
    UserStore.FoundUser again;
    try (Connection c = database.dataSource().getConnection()) {
      first = UserStore.findOrCreate(c, phone, now);
      again = UserStore.findOrCreate(c, phone, now.plusSeconds(60));
    }

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.user().id()).isEqualTo(first.user().id());
    assertThat(again.user().phoneNumber()).isEqualTo(phone);
    assertThat(again.user().createdAt()).isEqualTo(first.user().createdAt());
  }
}
