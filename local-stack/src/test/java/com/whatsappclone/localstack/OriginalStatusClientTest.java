package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.whatsappclone.original.status.CreateStatusRequest;
import com.whatsappclone.original.status.CreateStatusResponse;
import com.whatsappclone.original.status.GetStatusesRequest;
import com.whatsappclone.original.status.GetStatusesResponse;
import com.whatsappclone.original.status.Status;
import com.whatsappclone.original.status.StatusServiceGrpc;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client generated from the original Go backend's status.proto (the fixture in
 * {@code src/test/proto/original}), talking to the whole system through the gateway. It must read
 * every value the original defines in the original's field, and see only the fields this project
 * added (numbers the original does not use) as unknown ones.
 */
@WithPostgres
@WithKafka
class OriginalStatusClientTest {

  /** Status fields this project added; the only ones a client of the original may not know. */
  private static final List<Integer> ADDED_STATUS_FIELDS = List.of(5, 6, 7, 8, 9);
  private static final int ADDED_STATUS_USER_ID = 9;
  private static final int ADDED_CREATE_RESPONSE_STATUS = 2;

  /** RFC 3339 date-time: seconds required, optional fraction, Z or a numeric offset. */
  private static final String RFC_3339 = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";

  private static RunningSystem system;
  private static ManagedChannel gateway;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    system = RunningSystem.start(db, kafka.bootstrapServers());
    gateway = system.gatewayChannel();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void clientGeneratedFromTheOriginalProtoGetsTheNewStatusIdFromCreateStatus() throws Exception {
    VerifyOTPResponse alice = signIn();

    CreateStatusResponse created = statuses(alice).createStatus(
        CreateStatusRequest.newBuilder().setContent("hello from the original").build());

    assertThat(UUID.fromString(created.getStatusId()).toString()).isEqualTo(created.getStatusId());
    // Our added `status` (2) is the only field the original does not know, and it is a Status
    // that the original's own Status type reads correctly.
    UnknownFieldSet unknown = created.getUnknownFields();
    assertThat(unknown.asMap()).containsOnlyKeys(ADDED_CREATE_RESPONSE_STATUS);
    List<ByteString> added = unknown.getField(ADDED_CREATE_RESPONSE_STATUS).getLengthDelimitedList();
    assertThat(added).hasSize(1);
    Status status = Status.parseFrom(added.get(0));
    assertThat(status.getId()).isEqualTo(created.getStatusId());
    assertThat(status.getContent()).isEqualTo("hello from the original");
  }

  @Test
  void clientGeneratedFromTheOriginalProtoReadsStatusesThroughTheGateway() {
    VerifyOTPResponse alice = signIn();
    String content = "at the beach " + ThreadLocalRandom.current().nextInt(1_000_000);

    Instant before = Instant.now();
    String statusId = statuses(alice).createStatus(
        CreateStatusRequest.newBuilder().setContent(content).build()).getStatusId();
    Instant after = Instant.now();

    GetStatusesRequest byId = GetStatusesRequest.newBuilder().setUserId(alice.getUser().getId()).build();
    GetStatusesRequest own = GetStatusesRequest.getDefaultInstance(); // empty user_id: the caller's
    for (GetStatusesRequest request : List.of(byId, own)) {
      GetStatusesResponse response = statuses(alice).getStatuses(request);
      assertThat(response.getUnknownFields().asMap()).as("GetStatusesResponse unknown fields").isEmpty();
      assertThat(response.getStatusesList()).as("user_id '%s'", request.getUserId()).hasSize(1);
      Status status = response.getStatuses(0);

      assertThat(status.getId()).isEqualTo(statusId);
      assertThat(status.getContent()).isEqualTo(content);
      assertThat(status.getCreatedAt()).matches(RFC_3339);
      assertThat(OffsetDateTime.parse(status.getCreatedAt()).toInstant())
          .isBetween(before.minusSeconds(1), after.plusSeconds(1));
      // Only our added fields are unknown to the original's Status; the author (user_id, moved
      // to 9) is among them with the author's id.
      assertThat(status.getUnknownFields().asMap().keySet()).isSubsetOf(ADDED_STATUS_FIELDS);
      assertThat(stringField(status.getUnknownFields(), ADDED_STATUS_USER_ID)).isEqualTo(alice.getUser().getId());
    }
  }

  /** The one length-delimited value of an unknown field, as a string. */
  private static String stringField(UnknownFieldSet fields, int number) {
    List<ByteString> values = fields.getField(number).getLengthDelimitedList();
    assertThat(values).as("values of field %d", number).hasSize(1);
    return values.get(0).toStringUtf8();
  }

  /** Dev-mode sign-in through the gateway (AUTH_DEV_MODE: the code is always 123456). */
  private static VerifyOTPResponse signIn() {
    return GatewayCalls.signIn(gateway, GatewayCalls.newPhoneNumber(), "original-client");
  }

  /** The original's stub, through the gateway, with the user's bearer token. */
  private static StatusServiceGrpc.StatusServiceBlockingStub statuses(VerifyOTPResponse user) {
    return StatusServiceGrpc.newBlockingStub(gateway)
        .withCallCredentials(GatewayCalls.bearer(user.getAccessToken()))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
