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
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One line per RPC outcome with user and code, and no token, code or secret in any log line. */
@WithPostgres
class RpcLogTest {

  private static AuthTestServer auth;

  @BeforeAll
  static void start() {
    auth = AuthTestServer.start(MutableClock.startingNow(), Map.of());
  }

  @AfterAll
  static void stop() {
    auth.close();
  }

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
}
