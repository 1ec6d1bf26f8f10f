package com.whatsappclone.status;

import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.GetStatusFeedRequest;
import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.StatusFeedGroup;
import com.whatsappclone.proto.status.ViewStatusRequest;
import com.whatsappclone.proto.status.ViewStatusResponse;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class against one status server of its own, started on a test clock at a fixed time, and
 * the calls most of its tests make. Tests isolate by creating fresh users; the clock only moves
 * forward. Test classes run one after another, so the static fields belong to one class at a time.
 */
@WithPostgres
abstract class StatusServerTest {

  static MutableClock clock;
  static StatusTestServer service;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    service = StatusTestServer.start(clock);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static Status post(UUID author, String content) {
    return service.as(author).createStatus(CreateStatusRequest.newBuilder().setContent(content).build())
        .getStatus();
  }

  static ViewStatusResponse view(UUID viewer, Status status) {
    return service.as(viewer).viewStatus(ViewStatusRequest.newBuilder().setStatusId(status.getId()).build());
  }

  /** What {@code caller} sees of {@code author}'s statuses. */
  static List<Status> statusesOf(UUID caller, UUID author) {
    return service.as(caller).getStatuses(GetStatusesRequest.newBuilder().setUserId(author.toString()).build())
        .getStatusesList();
  }

  static List<StatusFeedGroup> feedOf(UUID caller) {
    return service.as(caller).getStatusFeed(GetStatusFeedRequest.getDefaultInstance()).getGroupsList();
  }
}
