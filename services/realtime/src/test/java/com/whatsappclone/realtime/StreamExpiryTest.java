package com.whatsappclone.realtime;

import static com.whatsappclone.realtime.SessionCredentialsTest.assertUnauthenticatedError;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.proto.realtime.Authenticate;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import com.whatsappclone.testing.MutableClock;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Open streams end at their token's {@code exp} (WebSocket 4001 "token expired", Connect
 * UNAUTHENTICATED) unless the client renews the credentials on the stream with an Authenticate
 * event carrying a valid access token of the same user. The service runs on a clock the test
 * moves; the test's tokens are issued on the same clock.
 */
@WithPostgres
@WithKafka
class StreamExpiryTest {

  private static MutableClock clock;
  private static RealtimeTestServer server;
  private static Fixtures fixtures;

  @BeforeAll
  static void start() {
    clock = MutableClock.startingNow();
    server = RealtimeTestServer.start(Map.of(), clock);
    fixtures = server.fixtures;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void streamEndsAtTokenExpiryUnlessReauthenticated() {
    UUID user = fixtures.newUser();
    UUID session = fixtures.session(user);
    UUID someoneElse = fixtures.newUser();
    WsClient renewedWs = server.ws(server.token(user, session));
    StreamClient renewedStream = server.grpc(server.token(user, session));
    WsClient plainWs = server.ws(server.token(user, session));
    StreamClient plainStream = server.grpc(server.token(user, session));
    for (WsClient ws : new WsClient[] {renewedWs, plainWs}) {
      assertThat(ws.eventsUntilPong()).isEmpty();
    }
    for (StreamClient stream : new StreamClient[] {renewedStream, plainStream}) {
      assertThat(stream.eventsUntilPong()).isEmpty();
    }

    clock.advance(Duration.ofMinutes(14));
    // A fresh token (after a RefreshToken, say) renews two of the connections.
    ClientEvent renewal = authenticate(server.token(user, session));
    renewedWs.sendBinary(renewal);
    renewedStream.send(renewal);
    assertThat(renewedWs.eventsUntilPong()).as("accepted silently").isEmpty();
    assertThat(renewedStream.eventsUntilPong()).isEmpty();
    // Tokens that cannot renew: another user's, garbage. The connection keeps its old deadline.
    plainWs.sendBinary(authenticate(server.token(someoneElse)));
    assertUnauthenticatedError(plainWs.next(EventCase.ERROR), "another user");
    plainStream.send(authenticate("not-a-token"));
    assertUnauthenticatedError(plainStream.next(EventCase.ERROR), "invalid access token");

    clock.advance(Duration.ofMinutes(2)); // past the first tokens' expiry

    WsClient.Closed closed = plainWs.awaitClose();
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).isEqualTo("token expired");
    Status ended = plainStream.awaitEnd();
    assertThat(ended.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(ended.getDescription()).isEqualTo("token expired");
    assertThat(ErrorDetails.reason(plainStream.awaitFailure())).isEqualTo("TOKEN_EXPIRED");
    // Both were ended by a check that saw the advanced clock; the renewed ones passed it.
    assertThat(renewedWs.eventsUntilPong()).isEmpty();
    assertThat(renewedStream.eventsUntilPong()).isEmpty();

    clock.advance(Duration.ofMinutes(14)); // past the renewed token's expiry too

    assertThat(renewedWs.awaitClose().reason()).isEqualTo("token expired");
    assertThat(renewedStream.awaitEnd().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  private static ClientEvent authenticate(String token) {
    return ClientEvent.newBuilder().setAuthenticate(Authenticate.newBuilder().setAccessToken(token)).build();
  }
}
