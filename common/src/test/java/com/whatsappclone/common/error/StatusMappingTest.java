package com.whatsappclone.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.common.grpc.StatusMapper;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a client reads from each error: code, message, and the standard details in the trailers. */
class StatusMappingTest {

  static Stream<Arguments> everyKind() {
    return Stream.of(
        Arguments.of(new InvalidArgumentException("INVALID_ID", "conversation_id", "must be a UUID"),
            Status.Code.INVALID_ARGUMENT, "INVALID_ID"),
        Arguments.of(new UnauthenticatedException("TOKEN_MISSING", "no token"), Status.Code.UNAUTHENTICATED, "TOKEN_MISSING"),
        Arguments.of(new PermissionDeniedException("NOT_A_PARTICIPANT", "not yours"), Status.Code.PERMISSION_DENIED,
            "NOT_A_PARTICIPANT"),
        Arguments.of(new NotFoundException("CONVERSATION_NOT_FOUND", "none"), Status.Code.NOT_FOUND, "CONVERSATION_NOT_FOUND"),
        Arguments.of(new AlreadyExistsException("CLIENT_MESSAGE_ID_TAKEN", "taken"), Status.Code.ALREADY_EXISTS,
            "CLIENT_MESSAGE_ID_TAKEN"),
        Arguments.of(new FailedPreconditionException("NOT_A_GROUP", "one-to-one"), Status.Code.FAILED_PRECONDITION,
            "NOT_A_GROUP"),
        Arguments.of(new ResourceExhaustedException("RATE_LIMITED", "slow down"), Status.Code.RESOURCE_EXHAUSTED,
            "RATE_LIMITED"),
        Arguments.of(new UnavailableException("QUEUE_UNAVAILABLE", "later"), Status.Code.UNAVAILABLE, "QUEUE_UNAVAILABLE"));
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void eachErrorKnowsItsCodeAndCarriesItsReasonInTheTrailers(DomainException error, Status.Code code, String reason) {
    StatusRuntimeException onTheWire = mapped(error);

    assertThat(onTheWire.getStatus().getCode()).isEqualTo(code);
    assertThat(onTheWire.getStatus().getDescription()).isEqualTo(error.getMessage());
    com.google.rpc.Status details = StatusProto.fromThrowable(onTheWire);
    assertThat(details.getCode()).isEqualTo(code.value());
    assertThat(details.getMessage()).isEqualTo(error.getMessage());
    assertThat(ErrorDetails.errorInfo(onTheWire)).contains(
        ErrorInfo.newBuilder().setReason(reason).setDomain(ErrorDetails.DOMAIN).build());
    assertThat(StatusMapper.reasonOf(error)).isEqualTo(reason);
  }

  @Test
  void anInvalidArgumentNamesItsFieldInABadRequest() {
    StatusRuntimeException onTheWire =
        mapped(new InvalidArgumentException("INVALID_PHONE_NUMBER", "phone_number", "is not a phone number"));

    assertThat(onTheWire.getStatus().getDescription()).isEqualTo("phone_number: is not a phone number");
    assertThat(ErrorDetails.badRequest(onTheWire)).contains(BadRequest.newBuilder()
        .addFieldViolations(BadRequest.FieldViolation.newBuilder()
            .setField("phone_number").setDescription("is not a phone number"))
        .build());
  }

  @Test
  void aLimitThatKnowsWhenCarriesRetryInfoAndOneThatDoesNotCarriesNone() {
    StatusRuntimeException knows =
        mapped(new ResourceExhaustedException("OTP_LOCKED", "too many wrong codes", Duration.ofSeconds(90)));
    StatusRuntimeException doesNot = mapped(new ResourceExhaustedException("SMS_PROVIDER_RATE_LIMITED", "later"));

    assertThat(RetryDelay.of(knows)).contains(Duration.ofSeconds(90));
    assertThat(ErrorDetails.reason(knows)).isEqualTo("OTP_LOCKED");
    assertThat(RetryDelay.of(doesNot)).isEmpty();
    assertThat(ErrorDetails.badRequest(knows)).isEmpty();
  }

  @Test
  void aDomainErrorIsFoundBehindWrappers() {
    RuntimeException wrapped = new IllegalStateException("handler", new NotFoundException("USER_NOT_FOUND", "user not found"));

    StatusRuntimeException onTheWire = mapped(wrapped);

    assertThat(onTheWire.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ErrorDetails.reason(onTheWire)).isEqualTo("USER_NOT_FOUND");
  }

  @Test
  void aLostDatabaseIsUnavailableWithItsReasonAndWhenToTryAgain() {
    RuntimeException lost = new DatabaseException("reading", new SQLTransientConnectionException("pool timeout"));
    RuntimeException shuttingDown = new DatabaseException("reading", new SQLException("terminating", "57P01"));

    assertThat(mapped(lost).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ErrorDetails.reason(mapped(lost))).isEqualTo(Reasons.DATABASE_UNAVAILABLE);
    assertThat(ErrorDetails.reason(mapped(shuttingDown))).isEqualTo(Reasons.DATABASE_UNAVAILABLE);
    assertThat(RetryDelay.of(mapped(lost))).contains(StatusMapper.DATABASE_RETRY_DELAY);
  }

  @Test
  void aRoundTripThatTimedOutIsAnUnavailableDatabase() {
    // What pgjdbc throws when a network timeout expires on a stalled server.
    RuntimeException stalled = new DatabaseException("reading", new SQLException(
        "An I/O error occurred while sending to the backend.", "08006", new java.net.SocketTimeoutException("Read timed out")));

    assertThat(mapped(stalled).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ErrorDetails.reason(mapped(stalled))).isEqualTo(Reasons.DATABASE_UNAVAILABLE);
    assertThat(RetryDelay.of(mapped(stalled))).contains(StatusMapper.DATABASE_RETRY_DELAY);
  }

  @Test
  void aBugCarriesNoRetryInfo() {
    assertThat(RetryDelay.of(mapped(new IllegalStateException("bug")))).isEmpty();
  }

  @Test
  void aLostQueueIsUnavailableWithItsReasonAndARetryDelay() {
    RuntimeException lost = new org.apache.kafka.common.errors.TimeoutException("no ack");
    RuntimeException told = new UnavailableException(Reasons.QUEUE_UNAVAILABLE, "message queue unavailable");

    assertThat(mapped(lost).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ErrorDetails.reason(mapped(lost))).isEqualTo(Reasons.QUEUE_UNAVAILABLE);
    assertThat(RetryDelay.of(mapped(lost))).contains(UnavailableException.RETRY_DELAY);
    assertThat(ErrorDetails.reason(mapped(told))).isEqualTo(Reasons.QUEUE_UNAVAILABLE);
    assertThat(RetryDelay.of(mapped(told))).contains(UnavailableException.RETRY_DELAY);
  }

  @Test
  void aBugIsInternalWithItsReasonAndNoDetailOfTheBug() {
    RuntimeException bug = new DatabaseException("inserting", new SQLException("duplicate key secret=1", "23505"));

    StatusRuntimeException onTheWire = mapped(bug);

    assertThat(onTheWire.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(ErrorDetails.reason(onTheWire)).isEqualTo(Reasons.INTERNAL);
    assertThat(StatusProto.fromThrowable(onTheWire).getMessage()).startsWith("internal error (reference ")
        .doesNotContain("secret");
  }

  @Test
  void aStatusExceptionKeepsItsOwnTrailers() {
    StatusRuntimeException forwarded =
        new ResourceExhaustedException("RATE_LIMITED", "slow", Duration.ofMillis(300)).toStatusRuntimeException();

    StatusRuntimeException onTheWire = mapped(forwarded);

    assertThat(ErrorDetails.reason(onTheWire)).isEqualTo("RATE_LIMITED");
    assertThat(RetryDelay.of(onTheWire)).contains(Duration.ofMillis(300));
    assertThat(StatusMapper.reasonOf(forwarded)).isEqualTo("RATE_LIMITED");
  }

  /** What ErrorMappingInterceptor closes a call with, as the client's stub raises it. */
  private static StatusRuntimeException mapped(Throwable error) {
    Status status = StatusMapper.toStatus(error);
    Metadata trailers = StatusMapper.toTrailers(error, status);
    return status.asRuntimeException(trailers);
  }
}
