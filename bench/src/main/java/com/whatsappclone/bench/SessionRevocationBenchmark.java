package com.whatsappclone.bench;

import com.whatsappclone.common.auth.SessionRevocations;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What refusing revoked sessions adds to every authenticated call: the token check
 * ({@link TokenManager#validateAccessToken}) followed by {@link SessionRevocations#isRevoked}
 * against a list of {@link #revokedSessions} revoked sessions (of as many users). Compare with
 * {@link TokenValidationBenchmark#validateAccessToken}, the check alone on a token without sid.
 *
 * <pre>
 * java -cp bench/target/whatsapp-bench.jar org.openjdk.jmh.Main \
 *   'TokenValidationBenchmark|SessionRevocationBenchmark' -f 3 -wi 3 -w 1s -i 5 -r 1s -bm avgt -tu ns
 * </pre>
 */
@State(Scope.Benchmark)
public class SessionRevocationBenchmark {

  @Param("100000")
  public int revokedSessions;

  private TokenManager tokens;
  private SessionRevocations revocations;
  /** A token of an active session (the common case: the lookup misses). */
  private String sessionToken;
  /** A token of a revoked session. */
  private String revokedToken;
  /** A token without sid of a user with no revocation: the per-user lookup. */
  private String legacyToken;
  private TokenClaims sessionClaims;

  @Setup
  public void fillTheList() {
    byte[] secret = new byte[48];
    new SecureRandom().nextBytes(secret);
    tokens = new TokenManager(Base64.getEncoder().encodeToString(secret));
    revocations = SessionRevocations.forTokens(tokens, Clock.systemUTC());
    Instant now = Instant.now();
    SplittableRandom random = new SplittableRandom(42);
    List<SessionRevocations.Revocation> revoked = new ArrayList<>(revokedSessions);
    for (int i = 0; i < revokedSessions; i++) {
      // Spread over the last five minutes, well inside the 15-minute retention.
      revoked.add(new SessionRevocations.Revocation(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
          now.minus(Duration.ofMillis(random.nextLong(Duration.ofMinutes(5).toMillis())))));
    }
    revocations.addAll(revoked);
    if (revocations.size() != revokedSessions) {
      throw new IllegalStateException("the list holds " + revocations.size() + " entries");
    }
    SessionRevocations.Revocation someRevoked = revoked.get(revokedSessions / 2);
    sessionToken = tokens.issueAccessToken(UUID.randomUUID().toString(), UUID.randomUUID().toString()).token();
    revokedToken = tokens.issueAccessToken(someRevoked.userId(), someRevoked.sessionId()).token();
    legacyToken = tokens.issueAccessToken(UUID.randomUUID().toString()).token();
    sessionClaims = tokens.validateAccessToken(sessionToken);
  }

  /** The token check alone, on a token with sid (a few bytes longer than one without). */
  @Benchmark
  public TokenClaims validateSessionToken() {
    return tokens.validateAccessToken(sessionToken);
  }

  /** What AuthInterceptor does now: the token check, then the revocation check (a miss). */
  @Benchmark
  public boolean validateAndCheckRevocation() {
    return revocations.isRevoked(tokens.validateAccessToken(sessionToken));
  }

  /** The same for a revoked session (a hit). */
  @Benchmark
  public boolean validateAndCheckRevokedSession() {
    return revocations.isRevoked(tokens.validateAccessToken(revokedToken));
  }

  /** A token without sid: the check looks up the user instead. */
  @Benchmark
  public boolean validateLegacyAndCheckRevocation() {
    return revocations.isRevoked(tokens.validateAccessToken(legacyToken));
  }

  /** The revocation check on its own. */
  @Benchmark
  public boolean isRevokedOnly() {
    return revocations.isRevoked(sessionClaims);
  }
}
