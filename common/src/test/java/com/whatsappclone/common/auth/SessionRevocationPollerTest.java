package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.Eventually;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.TestDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The poller against a real PostgreSQL with the project's schema. */
@ExtendWith(PostgresExtension.class)
class SessionRevocationPollerTest {

  static final Duration TTL = Duration.ofMinutes(15);

  private static Database database;

  @BeforeAll
  static void migrate(TestDatabase db) {
    database = new Database(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()), "revocations-test");
    Migrations.migrate(database.dataSource());
  }

  @AfterAll
  static void close() {
    database.close();
  }

  /** A user with one session row; revoked at {@code revokedAt} unless null. */
  static Session session(Instant revokedAt) throws SQLException {
    UUID user = UUID.randomUUID();
    UUID id = UUID.randomUUID();
    try (Connection c = database.dataSource().getConnection()) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO users (id, phone_number) VALUES (?, ?)")) {
        s.setObject(1, user);
        s.setString(2, "+9" + (Math.abs(user.getLeastSignificantBits()) % 10_000_000_000L));
        s.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO user_devices (id, user_id, refresh_token_hash, revoked_at) VALUES (?, ?, ?, ?)")) {
        s.setObject(1, id);
        s.setObject(2, user);
        s.setString(3, id.toString());
        s.setObject(4, revokedAt == null ? null : OffsetDateTime.ofInstant(revokedAt, ZoneOffset.UTC));
        s.executeUpdate();
      }
    }
    return new Session(id.toString(), user.toString());
  }

  record Session(String id, String user) {
    TokenClaims token() {
      Instant iat = Instant.now().minusSeconds(30);
      return new TokenClaims(user, TokenType.ACCESS, "j", iat, iat.plus(TTL), Optional.of(id));
    }
  }

  static Instant databaseNow() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT statement_timestamp()");
        var row = s.executeQuery()) {
      row.next();
      return row.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  @Test
  void startUpLoadsWhatWasRevokedWithinTheAccessTokenLifetime() throws SQLException {
    Instant now = databaseNow();
    Session recent = session(now.minus(Duration.ofMinutes(14)));
    Session old = session(now.minus(Duration.ofMinutes(16)));
    Session active = session(null);
    SessionRevocations list = new SessionRevocations(TTL, Clock.systemUTC());

    new SessionRevocationPoller(database.dataSource(), list, Duration.ofSeconds(5)).pollOnce();

    assertThat(list.isRevoked(recent.token())).isTrue();
    assertThat(list.isRevoked(old.token())).as("every token of it has expired").isFalse();
    assertThat(list.isRevoked(active.token())).isFalse();
  }

  @Test
  void rowThatCommitsLateWithAnEarlierRevokedAtIsSeenThanksToTheOverlap() throws SQLException {
    SessionRevocations list = new SessionRevocations(TTL, Clock.systemUTC());
    SessionRevocationPoller poller = new SessionRevocationPoller(database.dataSource(), list, Duration.ofSeconds(5));
    poller.pollOnce();
    Instant previousPoll = databaseNow();

    // revoked_at is taken from the auth service's clock before its transaction commits: this row
    // says it was revoked 3 s before the previous poll but only became visible after it.
    Session late = session(previousPoll.minusSeconds(3));
    Session tooLate = session(previousPoll.minusSeconds(30));
    assertThat(poller.pollOnce()).extracting(SessionRevocations.Revocation::sessionId).contains(late.id())
        .doesNotContain(tooLate.id());

    assertThat(list.isRevoked(late.token())).isTrue();
    assertThat(list.isRevoked(tooLate.token())).as("beyond the overlap").isFalse();
    assertThat(poller.pollOnce()).as("rows read again are not new").isEmpty();
  }

  @Test
  void startedPollerPicksUpNewRevocationsWithinSeconds() throws Exception {
    SessionRevocations list = new SessionRevocations(TTL, Clock.systemUTC());
    Session session = session(null);
    try (SessionRevocationPoller poller = SessionRevocationPoller.start("test", database.dataSource(), list,
        Duration.ofMillis(100))) {
      assertThat(list.isRevoked(session.token())).isFalse();
      revoke(session);
      Eventually.await("the revocation to be polled", () -> list.isRevoked(session.token()), revoked -> revoked);
    }
  }

  @Test
  void whileTheDatabaseIsUnreachableTheListIsKeptItLogsOnceAndNothingIsMissedAfterwards() throws Exception {
    SessionRevocations list = new SessionRevocations(TTL, Clock.systemUTC());
    Session before = session(null);
    Session during = session(null);
    FlakyDataSource flaky = new FlakyDataSource(database.dataSource(), new AtomicBoolean(), new AtomicInteger());
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(SessionRevocationPoller.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try (SessionRevocationPoller poller = SessionRevocationPoller.start("test", flaky, list, Duration.ofMillis(20))) {
      revoke(before);
      Eventually.await("the first revocation", () -> list.isRevoked(before.token()), revoked -> revoked);

      flaky.down().set(true);
      // Revoke only once a poll was refused: one that got its connection just before the outage
      // could still read the new row.
      int refusedBefore = Eventually.await("a failed poll", () -> flaky.refused().get(), refused -> refused >= 1);
      revoke(during);
      Eventually.await("a few failed polls", () -> flaky.refused().get(), refused -> refused >= refusedBefore + 5);
      assertThat(list.isRevoked(before.token())).as("kept while the database is away").isTrue();
      assertThat(list.isRevoked(during.token())).as("lags while the database is away").isFalse();

      flaky.down().set(false);
      Eventually.await("the revocation made during the outage", () -> list.isRevoked(during.token()), r -> r);
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
    assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(1);
  }

  @Test
  void pollIntervalSettingDefaultsToOneSecondAndMustBePositive() {
    assertThat(SessionRevocationPoller.pollInterval(Settings.of(Map.of()))).isEqualTo(Duration.ofSeconds(1));
    assertThat(SessionRevocationPoller.pollInterval(Settings.of(Map.of(SessionRevocationPoller.POLL_INTERVAL,
        "250ms")))).isEqualTo(Duration.ofMillis(250));
    Settings bad = Settings.of(Map.of(SessionRevocationPoller.POLL_INTERVAL, "0s"));
    SessionRevocationPoller.pollInterval(bad);
    org.assertj.core.api.Assertions.assertThatThrownBy(bad::check).hasMessageContaining(SessionRevocationPoller.POLL_INTERVAL);
  }

  static void revoke(Session session) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE user_devices SET revoked_at = now() WHERE id = ?")) {
      s.setObject(1, UUID.fromString(session.id()));
      s.executeUpdate();
    }
  }

  /** Refuses connections while {@code down} is set, as a pool does when the server is gone. */
  private record FlakyDataSource(DataSource target, AtomicBoolean down, AtomicInteger refused)
      implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      if (down.get()) {
        refused.incrementAndGet();
        throw new SQLException("Connection refused (test)");
      }
      return target.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override public PrintWriter getLogWriter() { return null; }
    @Override public void setLogWriter(PrintWriter out) { }
    @Override public void setLoginTimeout(int seconds) { }
    @Override public int getLoginTimeout() { return 0; }
    @Override public Logger getParentLogger() { return Logger.getGlobal(); }
    @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("no"); }
    @Override public boolean isWrapperFor(Class<?> iface) { return false; }
  }
}
