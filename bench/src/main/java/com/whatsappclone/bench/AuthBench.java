package com.whatsappclone.bench;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Signs the benchmark's users in through the gateway with VerifyOTP in dev mode (code 123456, no
 * SendOTP needed) and refreshes each user's tokens once: the two timed batches are the auth
 * figures, and the users go on to the messaging load.
 */
final class AuthBench {

  static final int CONCURRENCY = 16;
  private static final Duration BATCH_LIMIT = Duration.ofMinutes(3);
  private static final String DEV_MODE_CODE = "123456";

  private AuthBench() {}

  /** Fresh phone numbers: +90 555 and seven digits from a random start, so runs do not collide. */
  static List<BenchUser> newUsers(int count) {
    int start = ThreadLocalRandom.current().nextInt(0, 10_000_000 - count);
    List<BenchUser> users = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      users.add(new BenchUser(i, String.format("+90555%07d", start + i)));
    }
    return users;
  }

  /** VerifyOTP for every user (signing them up), CONCURRENCY calls in flight. */
  static ConcurrentCalls.Outcome signIn(Gateway gateway, List<BenchUser> users) throws InterruptedException {
    return signIn(gateway, users, CONCURRENCY);
  }

  /** VerifyOTP for every user with {@code concurrency} calls in flight; a user signed in before signs in again. */
  static ConcurrentCalls.Outcome signIn(Gateway gateway, List<BenchUser> users, int concurrency)
      throws InterruptedException {
    AuthServiceGrpc.AuthServiceFutureStub auth = AuthServiceGrpc.newFutureStub(gateway.channel());
    return ConcurrentCalls.run(users.size(), concurrency, BATCH_LIMIT,
        i -> auth.withDeadlineAfter(10, TimeUnit.SECONDS).verifyOTP(VerifyOTPRequest.newBuilder()
            .setPhoneNumber(users.get(i).phone)
            .setOtpCode(DEV_MODE_CODE)
            .setDeviceId("bench-" + users.get(i).index)
            .setDeviceType("mobile")
            .build()),
        (i, response) -> take(users.get(i), response));
  }

  /** RefreshToken once for every user: rotation, the new pair replaces the old one. */
  static ConcurrentCalls.Outcome refresh(Gateway gateway, List<BenchUser> users) throws InterruptedException {
    return refresh(gateway, users, CONCURRENCY);
  }

  /** RefreshToken once for every user, {@code concurrency} in flight (never two for one user). */
  static ConcurrentCalls.Outcome refresh(Gateway gateway, List<BenchUser> users, int concurrency)
      throws InterruptedException {
    AuthServiceGrpc.AuthServiceFutureStub auth = AuthServiceGrpc.newFutureStub(gateway.channel());
    return ConcurrentCalls.run(users.size(), concurrency, BATCH_LIMIT,
        i -> auth.withDeadlineAfter(10, TimeUnit.SECONDS).refreshToken(RefreshTokenRequest.newBuilder()
            .setRefreshToken(users.get(i).refreshToken)
            .build()),
        (i, response) -> take(users.get(i), response));
  }

  private static void take(BenchUser user, VerifyOTPResponse response) {
    user.id = response.getUser().getId();
    user.accessToken = response.getAccessToken();
    user.refreshToken = response.getRefreshToken();
  }

  private static void take(BenchUser user, RefreshTokenResponse response) {
    user.accessToken = response.getAccessToken();
    user.refreshToken = response.getRefreshToken();
  }
}
