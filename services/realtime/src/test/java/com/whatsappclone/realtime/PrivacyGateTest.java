package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The cached answers: a new block or setting takes effect on typing and receipts within the TTL. */
@WithPostgres
class PrivacyGateTest {

  private static Fixtures fixtures;
  private static PrivacyStore store;

  private final MutableClock clock = MutableClock.startingNow();

  @BeforeAll
  static void database() {
    var db = RealtimeTestServer.newDatabase();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(db.jdbcUrl());
    dataSource.setUser(db.user());
    dataSource.setPassword(db.password());
    fixtures = new Fixtures(db);
    store = new PrivacyStore(dataSource);
  }

  @Test
  void aBlockHidesTypingOnceTheCachedAnswerExpires() {
    PrivacyGate gate = new PrivacyGate(store, clock);
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    UUID carol = fixtures.newUser();
    List<String> members = List.of(bob.toString(), carol.toString());
    assertThat(gate.typingViewers(alice, members)).containsExactlyInAnyOrderElementsOf(members);

    fixtures.block(alice, bob);
    clock.advance(PrivacyGate.CACHE_TTL.minusMillis(1));
    assertThat(gate.typingViewers(alice, members)).as("within the TTL: the cached answer")
        .containsExactlyInAnyOrderElementsOf(members);
    clock.advance(Duration.ofMillis(2));
    assertThat(gate.typingViewers(alice, members)).containsExactly(carol.toString());
  }

  @Test
  void readReceiptsTurnedOffCountOnceTheCachedAnswerExpires() {
    PrivacyGate gate = new PrivacyGate(store, clock);
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    assertThat(gate.readReceiptShared(bob, alice)).isTrue();

    fixtures.privacy(bob, "read_receipts", false);
    assertThat(gate.readReceiptShared(bob, alice)).as("within the TTL").isTrue();
    clock.advance(PrivacyGate.CACHE_TTL.plusMillis(1));
    assertThat(gate.readReceiptShared(bob, alice)).isFalse();
    assertThat(gate.readReceiptShared(alice, bob)).as("both ways").isFalse();
    assertThat(gate.readReceiptsOff(List.of(alice, bob))).containsExactly(bob);
  }

  @Test
  void presenceIsAskedAfreshEveryTime() {
    PrivacyGate gate = new PrivacyGate(store, clock);
    UUID alice = fixtures.newUser();
    UUID bob = fixtures.newUser();
    assertThat(gate.presenceViewers(alice, List.of(bob.toString()))).containsExactly(bob.toString());
    fixtures.privacy(alice, "last_seen", "nobody");
    assertThat(gate.presenceViewers(alice, List.of(bob.toString()))).isEmpty();
  }
}
