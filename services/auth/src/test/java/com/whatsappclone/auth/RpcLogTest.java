package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import com.whatsappclone.common.grpc.RequestIds;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One line per RPC outcome with user and code, and no token, code or secret in any log line. */
class RpcLogTest extends AuthServerTest {

  @Test
  void everyOutcomeIsLoggedOnceWithoutSecrets() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    String phone = TestPhones.next();
    VerifyOTPResponse login;
    RefreshTokenResponse rotated;
    try {
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().verifyOTP(VerifyOTPRequest.newBuilder()
          .setPhoneNumber(phone).setOtpCode("987654").build()));
      login = auth.verify(phone, "phone");
      rotated = auth.stub().refreshToken(RefreshTokenRequest.newBuilder()
          .setRefreshToken(login.getRefreshToken()).build());
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().refreshToken(RefreshTokenRequest.newBuilder()
          .setRefreshToken(login.getRefreshToken()).build()));
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub().getMe(GetMeRequest.getDefaultInstance()));
    } finally {
      root.detachAppender(appender);
    }
    List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    String userId = login.getUser().getId();
    String masked = phone.substring(phone.length() - 2);

    // The fixed leading part of each line; request id, duration and error text follow.
    assertThat(lines.stream().filter(l -> l.startsWith("rpc=")).map(l -> l.substring(0, l.indexOf(" request_id="))))
        .containsExactly(
            "rpc=VerifyOTP code=UNAUTHENTICATED user=- phone=***" + masked,
            "rpc=VerifyOTP code=OK user=" + userId + " phone=***" + masked,
            "rpc=RefreshToken code=OK user=" + userId + " phone=-",
            "rpc=RefreshToken code=UNAUTHENTICATED user=" + userId + " phone=-",
            "rpc=GetMe code=UNAUTHENTICATED user=- phone=-");
    for (String line : lines) {
      assertThat(line).doesNotContain(login.getAccessToken(), login.getRefreshToken(), rotated.getAccessToken(),
          rotated.getRefreshToken(), "987654", DevModeOtpVerifier.CODE, AuthTestServer.JWT_SECRET, phone);
    }
  }

  /** The rpc= lines written while {@code calls} ran. */
  private static List<String> rpcLines(Runnable calls) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    try {
      calls.run();
    } finally {
      root.detachAppender(appender);
    }
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("rpc=")).toList();
    }
  }

  private static void getMeWithRequestId(String requestId) {
    Metadata headers = new Metadata();
    headers.put(RequestIds.KEY, requestId);
    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> auth.stub()
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .getMe(GetMeRequest.getDefaultInstance()));
  }

  @Test
  void requestIdThatWouldForgeLogFieldsNeverReachesTheLog() {
    String forged = "INJ1 rpc=GetMe code=OK user=00000000-0000-0000-0000-000000000000";
    String padding = "P".repeat(4096);

    List<String> lines = rpcLines(() -> {
      getMeWithRequestId(forged);
      getMeWithRequestId(padding);
    });

    assertThat(lines).hasSize(2).allSatisfy(line -> {
      assertThat(line).doesNotContain("INJ1").doesNotContain("PPPP").startsWith("rpc=GetMe code=UNAUTHENTICATED ");
      String id = line.replaceFirst(".* request_id=(\\S+) .*", "$1");
      assertThat(UUID.fromString(id)).as("a generated id instead").hasToString(id);
    });
  }

  @Test
  void validRequestIdIsKeptInTheLog() {
    List<String> lines = rpcLines(() -> getMeWithRequestId("req-42.a:b_C"));

    assertThat(lines).singleElement().asString().contains(" request_id=req-42.a:b_C ");
  }
}
