package com.whatsappclone.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.auth.SessionRevocations.Revocation;
import com.whatsappclone.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory list: which tokens it refuses and when it forgets. */
class SessionRevocationsTest {

  static final Duration TTL = Duration.ofMinutes(15);
  static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

  final MutableClock clock = new MutableClock(START);
  final SessionRevocations list = new SessionRevocations(TTL, clock);
  final String user = UUID.randomUUID().toString();

  TokenClaims token(Optional<String> session, Instant issuedAt) {
    return new TokenClaims(user, TokenType.ACCESS, UUID.randomUUID().toString(), issuedAt, issuedAt.plus(TTL),
        session);
  }

  @Test
  void tokenOfARevokedSessionIsRefusedAndOtherSessionsOfTheUserAreNot() {
    String revoked = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    TokenClaims ofRevoked = token(Optional.of(revoked), START.minusSeconds(60));
    TokenClaims ofOther = token(Optional.of(other), START.minusSeconds(60));

    assertThat(list.isRevoked(ofRevoked)).isFalse();
    assertThat(list.add(revoked, user, START)).isTrue();

    assertThat(list.isRevoked(ofRevoked)).isTrue();
    assertThat(list.isRevoked(ofOther)).isFalse();
  }

  @Test
  void tokenWithoutSidIsRefusedWhenAnySessionOfItsUserWasRevokedAtOrAfterItsIat() {
    TokenClaims before = token(Optional.empty(), START.minusSeconds(1));
    TokenClaims sameSecond = token(Optional.empty(), START);
    TokenClaims after = token(Optional.empty(), START.plusSeconds(1));
    TokenClaims otherUser = new TokenClaims(UUID.randomUUID().toString(), TokenType.ACCESS, "j", START.minusSeconds(1),
        START.plus(TTL), Optional.empty());

    list.add(UUID.randomUUID().toString(), user, START);

    assertThat(list.isRevoked(before)).isTrue();
    assertThat(list.isRevoked(sameSecond)).isTrue();
    assertThat(list.isRevoked(after)).as("issued after the revocation").isFalse();
    assertThat(list.isRevoked(otherUser)).isFalse();
  }

  @Test
  void entriesAreForgottenOnceNoTokenIssuedBeforeTheRevocationCanBeValid() {
    String session = UUID.randomUUID().toString();
    TokenClaims legacy = token(Optional.empty(), START.minusSeconds(5));
    list.add(session, user, START);

    clock.advance(TTL.minusSeconds(1));
    list.forgetExpired();
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.isRevoked(token(Optional.of(session), START))).isTrue();
    assertThat(list.isRevoked(legacy)).isTrue();

    clock.advance(Duration.ofSeconds(1));
    assertThat(list.forgetExpired()).isEqualTo(1);
    assertThat(list.size()).isZero();
    assertThat(list.isRevoked(token(Optional.of(session), START))).isFalse();
    assertThat(list.isRevoked(legacy)).isFalse();
  }

  @Test
  void aUsersLaterRevocationOutlivesTheEarlierOne() {
    TokenClaims legacy = token(Optional.empty(), START.minusSeconds(5));
    list.add(UUID.randomUUID().toString(), user, START);
    list.add(UUID.randomUUID().toString(), user, START.plus(Duration.ofMinutes(10)));

    clock.advance(TTL);
    assertThat(list.forgetExpired()).isEqualTo(1);

    assertThat(list.isRevoked(legacy)).as("the later revocation still covers it").isTrue();
    assertThat(list.isRevoked(token(Optional.empty(), START.plus(Duration.ofMinutes(11))))).isFalse();
  }

  @Test
  void revocationsAlreadyPastTheirRetentionAreNotAdded() {
    assertThat(list.add(UUID.randomUUID().toString(), user, START.minus(TTL))).isFalse();
    assertThat(list.size()).isZero();
  }

  @Test
  void listenersHearOfEachRevocationOnceWhenItIsFirstAdded() {
    List<Revocation> heard = new ArrayList<>();
    list.addListener(heard::addAll);
    Revocation one = new Revocation(UUID.randomUUID().toString(), user, START);
    Revocation two = new Revocation(UUID.randomUUID().toString(), user, START.plusMillis(1));

    assertThat(list.addAll(List.of(one))).containsExactly(one);
    // A poll that reads the same row again (the overlap) adds nothing and tells nobody.
    assertThat(list.addAll(List.of(one, two))).containsExactly(two);
    assertThat(list.addAll(List.of(one, two))).isEmpty();

    assertThat(heard).containsExactly(one, two);
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersOrTheList() {
    List<Revocation> heard = new ArrayList<>();
    list.addListener(r -> {
      throw new IllegalStateException("boom");
    });
    list.addListener(heard::addAll);

    assertThat(list.add(UUID.randomUUID().toString(), user, START)).isTrue();
    assertThat(heard).hasSize(1);
  }
}
