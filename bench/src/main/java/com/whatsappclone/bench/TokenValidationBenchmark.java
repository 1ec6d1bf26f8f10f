package com.whatsappclone.bench;

import com.whatsappclone.common.auth.AccessTokenCache;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenManager;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of checking one access token, as every authenticated call does at the gateway and
 * again at the backend: HS256 signature, claims, expiry ({@link TokenManager#validateAccessToken}),
 * and the same token's next call, answered by {@link AccessTokenCache} (what the interceptors do).
 */
@State(Scope.Benchmark)
public class TokenValidationBenchmark {

  private TokenManager tokens;
  private String token;
  private AccessTokenCache cache;

  @Setup
  public void issueToken() {
    byte[] secret = new byte[48];
    new SecureRandom().nextBytes(secret);
    tokens = new TokenManager(Base64.getEncoder().encodeToString(secret));
    token = tokens.issueAccessToken(UUID.randomUUID().toString()).token();
    cache = new AccessTokenCache(tokens, AccessTokenCache.DEFAULT_MAXIMUM_SIZE);
  }

  @Benchmark
  public TokenClaims validateAccessToken() {
    return tokens.validateAccessToken(token);
  }

  @Benchmark
  public TokenClaims validateKnownAccessToken() {
    return cache.validate(token);
  }
}
