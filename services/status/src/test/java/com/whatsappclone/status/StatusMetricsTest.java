package com.whatsappclone.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.metrics.ServiceMetrics;
import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.ViewStatusRequest;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The counters operators read (issue 19) move with real calls through the gRPC server. */
@WithPostgres
class StatusMetricsTest {

  @Test
  void createdAndFirstViewsAreCountedButNotRepeatedOrOwnViews() {
    MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    ServiceMetrics metrics = ServiceMetrics.create("status");
    MeterRegistry registry = metrics.registry();
    try (StatusTestServer service = StatusTestServer.start(clock, Map.of(), metrics)) {
      UUID alice = service.fixtures.newUser();
      UUID bob = service.fixtures.newUser();
      service.fixtures.conversation(alice, bob);
      service.fixtures.addContacts(alice, bob);

      Status first = create(service, alice, "one");
      create(service, alice, "two");
      view(service, bob, first);
      clock.advance(Duration.ofMinutes(1));
      view(service, bob, first); // a repeat keeps the first view
      view(service, alice, first); // the author's own view is not a view

      assertThat(registry.get("statuses.posted").counter().count()).isEqualTo(2.0);
      assertThat(registry.get("statuses.viewed").counter().count()).isEqualTo(1.0);
      assertThat(metrics.scrape()).contains("statuses_posted_total{service=\"status\"} 2.0");
    }
  }

  private static Status create(StatusTestServer service, UUID author, String content) {
    return service.as(author).createStatus(CreateStatusRequest.newBuilder().setContent(content).build())
        .getStatus();
  }

  private static void view(StatusTestServer service, UUID viewer, Status status) {
    service.as(viewer).viewStatus(ViewStatusRequest.newBuilder().setStatusId(status.getId()).build());
  }
}
