package com.whatsappclone.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.grpc.GrpcServer;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.GrpcHealth;
import com.whatsappclone.testing.StallablePostgres;
import com.whatsappclone.testing.TestDatabase;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a store sees of a SIGSTOPped PostgreSQL: a background loop (no gRPC deadline) fails within
 * the stall timeout and its next try after SIGCONT works; a call with a nearer deadline fails
 * before that deadline. On a private server, so that stalling it disturbs no other test.
 */
class StalledDatabaseTest {

  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);
  /** The budget, plus one check of an idle connection begun at its end. */
  private static final Duration BOUND = STALL_TIMEOUT.plus(Database.MAX_VALIDATION_TIMEOUT).plusMillis(300);

  private static StallablePostgres postgres;
  private static Database database;
  private static ScheduledExecutorService deadlines;

  @BeforeAll
  static void start() throws Exception {
    postgres = StallablePostgres.start();
    TestDatabase db = postgres.createDatabase("stalled_db_test");
    database = Database.start(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password())
        .withMaxPoolSize(2).withMigrateOnStart(false).withStallTimeout(STALL_TIMEOUT), "stall-test");
    deadlines = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() throws Exception {
    deadlines.shutdownNow();
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aLoopWithoutDeadlineFailsWithinTheStallTimeoutAndItsNextTryAfterTheStallWorks() throws Exception {
    assertThat(selectOne()).isEqualTo(1);
    long failedIn;
    try {
      postgres.stall();
      long start = System.nanoTime();
      SQLException failure = catchThrowableOfType(SQLException.class, StalledDatabaseTest::selectOne);
      failedIn = System.nanoTime() - start;
      assertThat((Throwable) failure).isNotNull();
      // A connection failure (08xxx) or a pool timeout: both answer DATABASE_UNAVAILABLE.
      assertThat((failure.getSQLState() != null && failure.getSQLState().startsWith("08"))
          || failure instanceof java.sql.SQLTransientConnectionException).as(failure.toString()).isTrue();
    } finally {
      postgres.resume();
    }
    assertThat(Duration.ofNanos(failedIn)).isLessThanOrEqualTo(BOUND);
    assertThat(selectOne()).isEqualTo(1);
  }

  @Test
  void readinessSaysTheDatabaseIsUnreachableWhileItIsStoppedAndReadyAgainOnceItAnswers() throws Exception {
    GrpcServer server = GrpcServer.builder("stall-readiness", 0).host("127.0.0.1")
        .readyWhen("database", database::unreachable).start();
    try {
      assertThat(database.unreachable()).isEmpty();
      assertThat(GrpcHealth.of(server.port())).isEqualTo(ServingStatus.SERVING);
      try {
        postgres.stall();
        // Nobody calls: the readiness check itself finds out, by asking for a connection.
        Eventually.await("readiness to see the stopped database", () -> GrpcHealth.of(server.port()),
            status -> status == ServingStatus.NOT_SERVING);
        assertThat(server.readiness().orElseThrow().problems().get("database"))
            .startsWith("no connection to PostgreSQL (stall-test)");
      } finally {
        postgres.resume();
      }
      GrpcHealth.awaitServing("the server once PostgreSQL answers again", server.port());
      assertThat(database.unreachable()).isEmpty();
    } finally {
      server.stop();
    }
  }

  @Test
  void aCallWithANearerDeadlineWaitsOnlyUntilShortlyBeforeIt() throws Exception {
    Duration deadline = Duration.ofMillis(600);
    assertThat(selectOne()).isEqualTo(1);
    long failedIn;
    try {
      postgres.stall();
      Context.CancellableContext call = Context.current()
          .withDeadline(Deadline.after(deadline.toMillis(), TimeUnit.MILLISECONDS), deadlines);
      long start = System.nanoTime();
      try {
        SQLException failure = catchThrowableOfType(SQLException.class, () -> call.call(StalledDatabaseTest::selectOne));
        assertThat((Throwable) failure).isNotNull();
      } finally {
        call.cancel(null);
      }
      failedIn = System.nanoTime() - start;
    } finally {
      postgres.resume();
    }
    // Well short of the stall timeout: only the check of an idle connection, begun before the
    // deadline, may run past it.
    assertThat(Duration.ofNanos(failedIn)).isLessThan(deadline.plus(Database.MAX_VALIDATION_TIMEOUT))
        .isLessThan(STALL_TIMEOUT);
    assertThat(selectOne()).isEqualTo(1);
  }

  @Test
  void theDatabaseCountsAsStalledOnceCallersWaitWithNoConnectionHandedOutAndNotAfterItAnswersAgain()
      throws Exception {
    assertThat(selectOne()).isEqualTo(1);
    assertThat(database.stalled()).as("idle, healthy").isFalse();
    java.util.concurrent.ExecutorService callers = Executors.newFixedThreadPool(3);
    try {
      postgres.stall();
      List<java.util.concurrent.Future<Integer>> calls = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(callers.submit(StalledDatabaseTest::selectOne));
      }
      Thread.sleep(BoundedWaitDataSource.STALL_SUSPICION.toMillis() + 300);
      assertThat(database.stalled()).as("three callers waiting on a stopped server").isTrue();
      for (java.util.concurrent.Future<Integer> call : calls) {
        assertThat(catchThrowable(() -> call.get(10, TimeUnit.SECONDS))).isNotNull();
      }
    } finally {
      postgres.resume();
      callers.shutdownNow();
    }
    assertThat(selectOne()).isEqualTo(1);
    assertThat(database.stalled()).as("answering again").isFalse();
  }

  private static int selectOne() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 1")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
