package com.whatsappclone.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.StallablePostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VerifyOTP (dev mode) through a real server and client while its PostgreSQL is stopped with
 * SIGSTOP: connections stay open and nothing answers, the failure that used to hold every call
 * until its deadline. On a private PostgreSQL, so that no other test is stalled.
 */
class DatabaseStallTest {

  private static final Logger log = LoggerFactory.getLogger(DatabaseStallTest.class);

  /** The deadline clients use. */
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  /**
   * Well inside the deadline: the 2 s stall timeout, plus up to one 1 s check of an idle
   * connection that began just before the budget ran out.
   */
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(3);
  private static final int CONCURRENT_CALLS = 8;
  /** How long the database stays stopped before the last wave of calls. */
  private static final Duration STALL = Duration.ofSeconds(8);

  private static StallablePostgres postgres;
  private static AuthTestServer auth;
  private static ExecutorService callers;

  @BeforeAll
  static void start() throws Exception {
    postgres = StallablePostgres.start();
    auth = AuthTestServer.startOn(postgres.createDatabase("stall_test"), MutableClock.startingNow(),
        Map.of("DB_MAX_POOL_SIZE", "4", "AUTH_VERIFY_OTP_FAILURES_LIMIT", "1000"));
    callers = Executors.newFixedThreadPool(CONCURRENT_CALLS);
  }

  @AfterAll
  static void stop() throws Exception {
    callers.shutdownNow();
    if (auth != null) {
      auth.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void callsDuringAStallAreAnsweredUnavailableWithRetryInfoWellInsideTheDeadlineAndTheFirstCallAfterItSucceeds()
      throws Exception {
    // Healthy first: the pool holds live connections when the stall begins.
    for (int i = 0; i < CONCURRENT_CALLS; i++) {
      assertThat(verify().getAccessToken()).isNotEmpty();
    }

    List<Outcome> first;
    List<Outcome> second;
    List<Outcome> late;
    long resumedAt;
    try {
      postgres.stall();
      long stalledAt = System.nanoTime();
      first = concurrently();
      // Now the pool knows the database is unreachable.
      second = concurrently();
      // A stall longer than the driver's 5 s login timeout: the pool's attempts to open a new
      // connection have timed out and started again by the time the database comes back.
      TimeUnit.NANOSECONDS.sleep(Math.max(0, STALL.toNanos() - (System.nanoTime() - stalledAt)));
      late = concurrently();
    } finally {
      postgres.resume();
      resumedAt = System.nanoTime();
    }
    VerifyOTPResponse after = verify();
    Duration toSuccess = Duration.ofNanos(System.nanoTime() - resumedAt);

    log.info("stall: first wave answered in {} ms, second in {} ms, after {} s in {} ms; first success {} ms after SIGCONT",
        millis(first), millis(second), STALL.toSeconds(), millis(late), toSuccess.toMillis());
    List<Outcome> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(late);
    for (Outcome outcome : all) {
      assertThat(outcome.failure).as("a call during the stall").isNotNull();
      assertThat(outcome.failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(ErrorDetails.reason(outcome.failure)).isEqualTo(Reasons.DATABASE_UNAVAILABLE);
      assertThat(RetryDelay.of(outcome.failure)).isPresent();
      assertThat(outcome.elapsed).isLessThanOrEqualTo(ANSWER_BOUND);
    }
    assertThat(after.getAccessToken()).isNotEmpty();
    assertThat(toSuccess).isLessThanOrEqualTo(ANSWER_BOUND);
  }

  private static VerifyOTPResponse verify() {
    return auth.stub().withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .verifyOTP(VerifyOTPRequest.newBuilder().setPhoneNumber(TestPhones.next())
            .setOtpCode(DevModeOtpVerifier.CODE).setDeviceId("stall-test").build());
  }

  private static List<Outcome> concurrently() throws Exception {
    List<Future<Outcome>> calls = new ArrayList<>();
    for (int i = 0; i < CONCURRENT_CALLS; i++) {
      calls.add(callers.submit(() -> {
        long start = System.nanoTime();
        try {
          verify();
          return new Outcome(null, Duration.ofNanos(System.nanoTime() - start));
        } catch (StatusRuntimeException e) {
          return new Outcome(e, Duration.ofNanos(System.nanoTime() - start));
        }
      }));
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Future<Outcome> call : calls) {
      outcomes.add(call.get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS));
    }
    return outcomes;
  }

  private static List<Long> millis(List<Outcome> outcomes) {
    return outcomes.stream().map(o -> o.elapsed.toMillis()).sorted().toList();
  }

  private record Outcome(StatusRuntimeException failure, Duration elapsed) {}
}
