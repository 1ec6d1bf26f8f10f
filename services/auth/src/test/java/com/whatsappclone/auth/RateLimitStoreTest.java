package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.UniqueNames;
import com.whatsappclone.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** auth_rate_limits directly: atomic under concurrency, refunds, cleanup. */
@WithPostgres
class RateLimitStoreTest {

  private static Database database;
  private static TestDatabase db;
  private static RateLimitStore store;

  @BeforeAll
  static void start() {
    db = PostgresExtension.newDatabase();
    database = Database.start(new DatabaseConfig(db.jdbcUrl(), db.user(), db.password(), 16, true));
    store = new RateLimitStore(database.dataSource());
  }

  @AfterAll
  static void stop() {
    database.close();
  }

  @Test
  void severalUsesAreTakenAllOrNoneAndAnEndedWindowStartsAfresh() throws Exception {
    RateLimit limit = new RateLimit(UniqueNames.of("limit"), 10, Duration.ofDays(1));
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    assertThat(store.tryConsume(limit, "user", 7, now).allowed()).isTrue();
    RateLimitStore.Decision refused = store.tryConsume(limit, "user", 4, now.plusSeconds(60));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.resetsAt()).isEqualTo(now.plus(Duration.ofDays(1)));
    assertThat(store.tryConsume(limit, "user", 3, now.plusSeconds(60)).allowed()).as("the refusal took nothing").isTrue();
    assertThat(store.tryConsume(limit, "user", 1, now.plusSeconds(60)).allowed()).isFalse();
    assertThat(store.tryConsume(limit, "other", 11, now).allowed()).as("more than the capacity, ever").isFalse();
    assertThat(store.tryConsume(limit, "user", 10, now.plus(Duration.ofDays(1))).allowed()).isTrue();
  }

  @Test
  void concurrentConsumersNeverGetMoreThanTheCapacity() throws Exception {
    RateLimit limit = new RateLimit(UniqueNames.of("limit"), 5, Duration.ofMinutes(10));
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return store.tryConsume(limit, "key", now).allowed();
        }));
      }
      go.countDown();
      int allowed = 0;
      for (Future<Boolean> result : results) {
        allowed += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(allowed).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void windowStartsAtFirstUseAndRefillsWhollyWhenItEnds() throws Exception {
    RateLimit limit = new RateLimit(UniqueNames.of("limit"), 2, Duration.ofMinutes(10));
    Instant start = Instant.parse("2030-01-01T00:00:00Z");

    assertThat(store.tryConsume(limit, "k", start)).isEqualTo(
        new RateLimitStore.Decision(true, start.plus(Duration.ofMinutes(10))));
    assertThat(store.tryConsume(limit, "k", start.plusSeconds(60)).allowed()).isTrue();
    RateLimitStore.Decision refused = store.tryConsume(limit, "k", start.plusSeconds(120));
    assertThat(refused).isEqualTo(new RateLimitStore.Decision(false, start.plus(Duration.ofMinutes(10))));
    assertThat(store.tryConsume(limit, "other-key", start.plusSeconds(120)).allowed()).isTrue();

    Instant later = start.plus(Duration.ofMinutes(10));
    assertThat(store.tryConsume(limit, "k", later)).isEqualTo(
        new RateLimitStore.Decision(true, later.plus(Duration.ofMinutes(10))));
    assertThat(store.tryConsume(limit, "k", later).allowed()).isTrue();
    assertThat(store.tryConsume(limit, "k", later).allowed()).isFalse();
  }

  @Test
  void refundGivesBackOneUseButNeverMoreThanTheCapacity() throws Exception {
    RateLimit limit = new RateLimit(UniqueNames.of("limit"), 2, Duration.ofMinutes(10));
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    store.tryConsume(limit, "k", now);
    store.refund(limit, "k", now);
    store.refund(limit, "k", now);

    assertThat(store.tryConsume(limit, "k", now).allowed()).isTrue();
    assertThat(store.tryConsume(limit, "k", now).allowed()).isTrue();
    assertThat(store.tryConsume(limit, "k", now).allowed()).isFalse();
  }

  @Test
  void cleanupDeletesOnlyEndedWindows() throws Exception {
    RateLimit shortLimit = new RateLimit(UniqueNames.of("short"), 1, Duration.ofMinutes(1));
    RateLimit longLimit = new RateLimit(UniqueNames.of("long"), 1, Duration.ofHours(1));
    Instant now = Instant.parse("2031-01-01T00:00:00Z");
    store.tryConsume(shortLimit, "k", now);
    store.tryConsume(longLimit, "k", now);

    store.deleteExpired(now.plus(Duration.ofMinutes(5)));

    assertThat(names()).doesNotContain(shortLimit.name()).contains(longLimit.name());
    assertThat(store.tryConsume(longLimit, "k", now.plus(Duration.ofMinutes(5))).allowed()).isFalse();
  }

  private static List<String> names() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT limit_name FROM auth_rate_limits")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }
}
