package com.whatsappclone.gateway;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the fake backends saw of each call, keyed by the {@code x-test-id} header the test sent, so
 * tests sharing the backends never read each other's calls.
 */
final class Observations {

  static final Metadata.Key<String> TEST_ID = Metadata.Key.of("x-test-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TEST_MODE = Metadata.Key.of("x-test-mode", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<Observed> CURRENT = Context.key("test.observed");

  private final Map<String, Observed> byTestId = new ConcurrentHashMap<>();

  Observed start(String testId, String method, Metadata headers, Deadline deadline) {
    Observed observed = new Observed(method, headers, deadline);
    byTestId.put(testId, observed);
    return observed;
  }

  Optional<Observed> get(String testId) {
    return Optional.ofNullable(byTestId.get(testId));
  }

  /** One call as a backend saw it. */
  static final class Observed {
    final String method;
    final Metadata headers;
    final Deadline deadline;
    final CountDownLatch cancelled = new CountDownLatch(1);
    final CountDownLatch completed = new CountDownLatch(1);
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger received = new AtomicInteger();
    volatile ServerCallStreamObserver<?> stream;

    Observed(String method, Metadata headers, Deadline deadline) {
      this.method = method;
      this.headers = headers;
      this.deadline = deadline;
    }

    String mode() {
      String mode = headers.get(TEST_MODE);
      return mode == null ? "" : mode;
    }

    static Optional<Observed> current() {
      return Optional.ofNullable(CURRENT.get());
    }
  }
}
