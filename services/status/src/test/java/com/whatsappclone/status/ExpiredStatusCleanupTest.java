package com.whatsappclone.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One cleanup pass, driven directly with a fixed clock. */
@WithPostgres
class ExpiredStatusCleanupTest {

  private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);

  @Test
  void deletesStatusesExpiredMoreThanADayAgoWithTheirViewsInBatches(TestDatabase db) {
    Database database = database(db); // migrates the fresh database
    Fixtures fixtures = new Fixtures(db);
    UUID author = fixtures.newUser();
    UUID viewer = fixtures.newUser();
    List<UUID> old = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Instant expiresAt = NOW.minus(DAY).minusSeconds(i);
      UUID id = fixtures.status(author, expiresAt.minus(DAY), expiresAt);
      fixtures.view(id, viewer, expiresAt.minusSeconds(60));
      old.add(id);
    }
    UUID expiredExactlyADayAgo = fixtures.status(author, NOW.minus(DAY).minus(DAY), NOW.minus(DAY));
    UUID expiredAnHourAgo = fixtures.status(author, NOW.minus(DAY).minusSeconds(3600), NOW.minusSeconds(3600));
    UUID live = fixtures.status(author, NOW.minusSeconds(60), NOW.minusSeconds(60).plus(DAY));
    fixtures.view(expiredAnHourAgo, viewer, NOW.minus(DAY));

    try (database) {
      ExpiredStatusCleanup cleanup = new ExpiredStatusCleanup(
          new StatusStore(database.dataSource()), Clock.fixed(NOW, ZoneOffset.UTC), 2);

      ExpiredStatusCleanup.Result first = cleanup.runOnce();
      ExpiredStatusCleanup.Result second = cleanup.runOnce();

      assertThat(first).isEqualTo(new ExpiredStatusCleanup.Result(5, 3));
      assertThat(second).isEqualTo(new ExpiredStatusCleanup.Result(0, 1));
    }
    assertThat(fixtures.strings("SELECT id FROM status_updates"))
        .containsExactlyInAnyOrder(expiredExactlyADayAgo.toString(), expiredAnHourAgo.toString(), live.toString());
    assertThat(fixtures.strings("SELECT status_id FROM status_views"))
        .containsExactly(expiredAnHourAgo.toString());
  }

  @Test
  void aFailedScheduledRunIsLoggedSoTheScheduleGoesOn(TestDatabase db) {
    Database database = database(db);
    ExpiredStatusCleanup cleanup = new ExpiredStatusCleanup(
        new StatusStore(database.dataSource()), Clock.fixed(NOW, ZoneOffset.UTC), 10);
    database.close();

    assertThatThrownBy(cleanup::runOnce).isInstanceOf(DatabaseException.class);
    assertThatCode(cleanup::runScheduled).doesNotThrowAnyException();
  }

  private static Database database(TestDatabase db) {
    return Database.start(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()).withMaxPoolSize(2),
        "cleanup-test");
  }
}
