package com.whatsappclone.status;

import static com.whatsappclone.status.GrpcErrors.exceptionOf;
import static com.whatsappclone.status.GrpcErrors.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.CreateStatusResponse;
import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithPostgres
class CreateStatusTest {

  private static final Instant START = Instant.parse("2025-03-01T10:00:00.123456Z");
  private static MutableClock clock;
  private static StatusTestServer service;

  @BeforeAll
  static void start() {
    clock = new MutableClock(START);
    service = StatusTestServer.start(clock);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void textStatusIsCreatedForTheCallerAndExpiresTwentyFourHoursLater() {
    UUID alice = service.fixtures.newUser();
    Instant now = clock.instant();

    Status created = service.as(alice)
        .createStatus(CreateStatusRequest.newBuilder().setContent("hello world").build())
        .getStatus();

    assertThat(UUID.fromString(created.getId()).version()).as("a time-ordered UUIDv7").isEqualTo(7);
    assertThat(created.getUserId()).isEqualTo(alice.toString());
    assertThat(created.getContent()).isEqualTo("hello world");
    assertThat(created.getContentType()).isEqualTo("text");
    assertThat(created.getMediaUrl()).isEmpty();
    assertThat(Instant.parse(created.getCreatedAt())).isEqualTo(now);
    assertThat(Instant.parse(created.getExpiresAt())).isEqualTo(now.plus(Duration.ofHours(24)));
    assertThat(created.getViewCount()).isZero();
    assertThat(service.as(alice).getStatuses(GetStatusesRequest.getDefaultInstance()).getStatusesList())
        .containsExactly(created);
  }

  @Test
  void statusIdInTheAnswerIsTheNewStatusIdThatGetStatusesReturns() {
    UUID alice = service.fixtures.newUser();

    CreateStatusResponse answer = service.as(alice)
        .createStatus(CreateStatusRequest.newBuilder().setContent("first").build());

    assertThat(UUID.fromString(answer.getStatusId())).isNotNull();
    assertThat(answer.getStatusId()).isEqualTo(answer.getStatus().getId());
    assertThat(service.as(alice).getStatuses(GetStatusesRequest.newBuilder().setUserId(alice.toString()).build())
        .getStatusesList())
        .singleElement()
        .satisfies(s -> {
          assertThat(s.getId()).isEqualTo(answer.getStatusId());
          assertThat(s.getContent()).isEqualTo("first");
        });
  }

  @Test
  void userIdMayBeTheCallersOwn() {
    UUID alice = service.fixtures.newUser();

    Status created = service.as(alice).createStatus(CreateStatusRequest.newBuilder()
        .setUserId(alice.toString()).setContent("mine").build()).getStatus();

    assertThat(created.getUserId()).isEqualTo(alice.toString());
  }

  @Test
  void someoneElsesUserIdIsPermissionDeniedAndStoresNothing() {
    UUID alice = service.fixtures.newUser();
    UUID mallory = service.fixtures.newUser();

    io.grpc.Status failure = failureOf(() -> service.as(mallory).createStatus(CreateStatusRequest.newBuilder()
        .setUserId(alice.toString()).setContent("I am alice").build()));

    assertThat(failure.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(failure.getDescription()).contains("user_id");
    assertThat(service.fixtures.count("SELECT count(*) FROM status_updates WHERE user_id IN (?, ?)",
        alice, mallory)).isZero();
  }

  @Test
  void malformedUserIdIsInvalidArgumentNamingTheField() {
    UUID alice = service.fixtures.newUser();

    io.grpc.Status failure = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
        .setUserId("not-a-uuid").setContent("hi").build()));

    assertThat(failure.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(failure.getDescription()).startsWith("user_id:");
  }

  @Test
  void clientsReadTheReasonAndTheRequestFieldOfARefusal() {
    UUID alice = service.fixtures.newUser();
    UUID mallory = service.fixtures.newUser();

    StatusRuntimeException malformed = exceptionOf(() -> service.as(alice).createStatus(CreateStatusRequest
        .newBuilder().setUserId("not-a-uuid").setContent("hi").build()));
    StatusRuntimeException unknownType = exceptionOf(() -> service.as(alice).createStatus(CreateStatusRequest
        .newBuilder().setContentType("audio").setContent("hi").build()));
    StatusRuntimeException impostor = exceptionOf(() -> service.as(mallory).createStatus(CreateStatusRequest
        .newBuilder().setUserId(alice.toString()).setContent("I am alice").build()));

    assertThat(ErrorDetails.reason(malformed)).isEqualTo("INVALID_ID");
    assertThat(ErrorDetails.badRequest(malformed).orElseThrow().getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField).containsExactly("user_id");
    assertThat(ErrorDetails.reason(unknownType)).isEqualTo("INVALID_CONTENT_TYPE");
    assertThat(ErrorDetails.badRequest(unknownType).orElseThrow().getFieldViolations(0).getField())
        .isEqualTo("content_type");
    assertThat(ErrorDetails.reason(impostor)).isEqualTo("NOT_YOUR_USER_ID");
  }

  @Test
  void contentLengthCountsCodePointsUpToSevenHundred() {
    UUID alice = service.fixtures.newUser();
    String sevenHundredEmoji = "\uD83D\uDE00".repeat(700); // 1400 UTF-16 units, 700 characters

    Status created = service.as(alice).createStatus(
        CreateStatusRequest.newBuilder().setContent(sevenHundredEmoji).build()).getStatus();
    io.grpc.Status tooLong = failureOf(() -> service.as(alice).createStatus(
        CreateStatusRequest.newBuilder().setContent("a".repeat(701)).build()));

    assertThat(created.getContent()).isEqualTo(sevenHundredEmoji);
    assertThat(tooLong.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(tooLong.getDescription()).startsWith("content:").contains("701");
  }

  @Test
  void emptyBlankOrNulTextContentIsInvalidArgument() {
    UUID alice = service.fixtures.newUser();

    for (String content : new String[] {"", "   \n", "a\u0000b"}) {
      io.grpc.Status failure = failureOf(() -> service.as(alice).createStatus(
          CreateStatusRequest.newBuilder().setContent(content).build()));
      assertThat(failure.getCode()).as("content %s", content).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(failure.getDescription()).startsWith("content:");
    }
    assertThat(service.fixtures.count("SELECT count(*) FROM status_updates WHERE user_id = ?", alice)).isZero();
  }

  @Test
  void textAndCaptionMaySpanLinesButCarryNoOtherControlCharacters() {
    UUID alice = service.fixtures.newUser();

    Status text = service.as(alice).createStatus(
        CreateStatusRequest.newBuilder().setContent("good\nmorning\t!").build()).getStatus();
    assertThat(text.getContent()).isEqualTo("good\nmorning\t!");
    for (String bad : new String[] {"red \u001b[31malert", "bell\u0007", "c1 \u0085", "del\u007f"}) {
      io.grpc.Status asText = failureOf(() -> service.as(alice).createStatus(
          CreateStatusRequest.newBuilder().setContent(bad).build()));
      io.grpc.Status asCaption = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
          .setContentType("image").setMediaUrl("https://cdn.example.com/a.jpg").setContent(bad).build()));
      for (io.grpc.Status failure : List.of(asText, asCaption)) {
        assertThat(failure.getCode()).as("content %s", bad).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(failure.getDescription())
            .startsWith("content: must not contain control characters");
      }
    }
    io.grpc.Status controlInUrl = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
        .setContentType("image").setMediaUrl("https://cdn.example.com/a\u001b.jpg").build()));
    assertThat(controlInUrl.getDescription()).startsWith("media_url:");
    assertThat(service.fixtures.count("SELECT count(*) FROM status_updates WHERE user_id = ?", alice))
        .isEqualTo(1L);
  }

  @Test
  void unknownContentTypeIsInvalidArgument() {
    UUID alice = service.fixtures.newUser();

    io.grpc.Status failure = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
        .setContentType("audio").setContent("hi").build()));

    assertThat(failure.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(failure.getDescription()).startsWith("content_type:");
  }

  @Test
  void mediaStatusesKeepTheirUrlAndOptionalCaption() {
    UUID alice = service.fixtures.newUser();

    Status image = service.as(alice).createStatus(CreateStatusRequest.newBuilder().setContentType("image")
        .setMediaUrl("https://cdn.example.com/a.jpg").setContent("at the beach").build()).getStatus();
    Status video = service.as(alice).createStatus(CreateStatusRequest.newBuilder().setContentType("VIDEO")
        .setMediaUrl("http://cdn.example.com/b.mp4").build()).getStatus();

    assertThat(image.getContentType()).isEqualTo("image");
    assertThat(image.getMediaUrl()).isEqualTo("https://cdn.example.com/a.jpg");
    assertThat(image.getContent()).isEqualTo("at the beach");
    assertThat(video.getContentType()).isEqualTo("video");
    assertThat(video.getContent()).isEmpty();
    assertThat(service.as(alice).getStatuses(GetStatusesRequest.getDefaultInstance()).getStatusesList())
        .containsExactly(image, video);
    // Storage: content_or_url holds the URL of a media status, caption its caption.
    assertThat(service.fixtures.strings("SELECT content_or_url || '|' || coalesce(caption, '<null>')"
        + " FROM status_updates WHERE user_id = ? ORDER BY created_at, id", alice))
        .containsExactly("https://cdn.example.com/a.jpg|at the beach", "http://cdn.example.com/b.mp4|<null>");
  }

  @Test
  void mediaStatusesNeedAnHttpUrlAndTextStatusesMustNotHaveOne() {
    UUID alice = service.fixtures.newUser();

    for (String url : new String[] {"", "ftp://cdn.example.com/a.jpg", "not a url", "https:///no-host",
        "javascript:alert(1)"}) {
      io.grpc.Status failure = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
          .setContentType("image").setMediaUrl(url).build()));
      assertThat(failure.getCode()).as("media_url %s", url).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(failure.getDescription()).startsWith("media_url:");
    }
    io.grpc.Status textWithUrl = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
        .setContent("hi").setMediaUrl("https://cdn.example.com/a.jpg").build()));
    assertThat(textWithUrl.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(textWithUrl.getDescription()).startsWith("media_url:");
    io.grpc.Status longCaption = failureOf(() -> service.as(alice).createStatus(CreateStatusRequest.newBuilder()
        .setContentType("image").setMediaUrl("https://cdn.example.com/a.jpg").setContent("x".repeat(701)).build()));
    assertThat(longCaption.getDescription()).startsWith("content:");
  }

  @Test
  void callWithoutTokenIsUnauthenticated() {
    io.grpc.Status failure = failureOf(() -> service.anonymous().createStatus(
        CreateStatusRequest.newBuilder().setContent("hi").build()));

    assertThat(failure.getCode()).isEqualTo(Code.UNAUTHENTICATED);
  }

  @Test
  void callerWithoutAUserRowIsNotFound() {
    UUID ghost = UUID.randomUUID();

    io.grpc.Status failure = failureOf(() -> service.as(ghost).createStatus(
        CreateStatusRequest.newBuilder().setContent("boo").build()));

    assertThat(failure.getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(failure.getDescription()).startsWith("user_id:");
  }
}
