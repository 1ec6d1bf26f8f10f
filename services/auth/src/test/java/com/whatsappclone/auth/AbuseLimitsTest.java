package com.whatsappclone.auth;

import static com.whatsappclone.auth.GrpcAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.proto.auth.AuthServiceGrpc.AuthServiceBlockingStub;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.testing.PostgresExtension;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The SendOTP and VerifyOTP limits with their default sizes, windows moved by the injected clock.
 * Calls come "through the gateway" (an {@code x-client-address} the gateway signed), each test
 * from its own client address.
 */
class AbuseLimitsTest extends AuthServerTest {

  private static final AtomicInteger NEXT_IP = new AtomicInteger(1);

  private static String freshIp() {
    int n = NEXT_IP.getAndIncrement();
    return "203.0." + (n / 250) + "." + (n % 250 + 1);
  }

  @Test
  void sendOtpAllowsThreeCodesPerNumberPerTenMinutes() {
    String phone = TestPhones.next();
    AuthServiceBlockingStub client = auth.throughGateway(freshIp());
    for (int i = 0; i < 3; i++) {
      send(client, phone);
    }

    String message = assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(client, phone));

    assertThat(message).startsWith("phone_number").contains("try again in 600 s");
    assertThat(retryDelayOf(() -> send(client, phone))).as("RetryInfo: when the window ends")
        .isEqualTo(Duration.ofMinutes(10));
    send(client, TestPhones.next());
    clock.advance(Duration.ofMinutes(9));
    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(client, phone));
    clock.advance(Duration.ofMinutes(1));
    send(client, phone);
  }

  @Test
  void sendOtpAllowsTwentyCodesPerClientAddressPerHour() {
    String ip = freshIp();
    for (int i = 0; i < 20; i++) {
      send(auth.throughGateway(ip), TestPhones.next());
    }

    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(auth.throughGateway(ip), TestPhones.next()));

    send(auth.throughGateway(freshIp()), TestPhones.next());
    clock.advance(Duration.ofHours(1));
    send(auth.throughGateway(ip), TestPhones.next());
  }

  @Test
  void directCallerIsLimitedByItsPeerAddressHoweverManyAddressesItClaims() {
    // A separate database: here every call must count against the peer's own address, 127.0.0.1,
    // which a loopback caller used to be able to override with x-forwarded-for.
    try (AuthTestServer direct = AuthTestServer.startOn(PostgresExtension.newDatabase(), clock,
        Map.of("AUTH_SEND_OTP_IP_LIMIT", "4"))) {
      send(direct.forwardedFor(freshIp()), TestPhones.next());
      send(direct.forwardedFor(freshIp() + ", " + freshIp()), TestPhones.next());
      send(direct.with(claimedAddress(freshIp(), "bm90LWEtc2lnbmF0dXJl")), TestPhones.next());
      send(direct.with(signedWithAnotherSecret(freshIp())), TestPhones.next());

      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(direct.forwardedFor(freshIp()), TestPhones.next()));
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(direct.stub(), TestPhones.next()));
      send(direct.throughGateway(freshIp()), TestPhones.next());
    }
  }

  @Test
  void gatewaySignatureCoversTheAddressAndTheRequestId() {
    try (AuthTestServer direct = AuthTestServer.startOn(PostgresExtension.newDatabase(), clock,
        Map.of("AUTH_SEND_OTP_IP_LIMIT", "2"))) {
      Metadata genuine = new Metadata();
      genuine.put(ClientAddressSignature.REQUEST_ID, "request-1");
      ClientAddressSignature.fromJwtSecret(AuthTestServer.JWT_SECRET).attach(genuine, freshIp());
      String signature = genuine.get(ClientAddressSignature.SIGNATURE);

      // The genuine signature with another address, then with another request id: both unsigned,
      // so both count against the peer, and the peer's allowance of two is then gone.
      send(direct.with(claimedAddress(freshIp(), signature, "request-1")), TestPhones.next());
      send(direct.with(claimedAddress(genuine.get(ClientAddressSignature.CLIENT_ADDRESS), signature,
          "request-2")), TestPhones.next());
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(direct.stub(), TestPhones.next()));
      send(direct.with(genuine), TestPhones.next());
    }
  }

  private static Metadata claimedAddress(String ip, String signature) {
    return claimedAddress(ip, signature, "request-1");
  }

  private static Metadata claimedAddress(String ip, String signature, String requestId) {
    Metadata headers = new Metadata();
    headers.put(ClientAddressSignature.REQUEST_ID, requestId);
    headers.put(ClientAddressSignature.CLIENT_ADDRESS, ip);
    headers.put(ClientAddressSignature.SIGNATURE, signature);
    return headers;
  }

  private static Metadata signedWithAnotherSecret(String ip) {
    Metadata headers = new Metadata();
    headers.put(ClientAddressSignature.REQUEST_ID, "request-1");
    ClientAddressSignature.fromJwtSecret("another-secret-0123456789-0123456789-xyz").attach(headers, ip);
    return headers;
  }

  @Test
  void fiveWrongCodesBlockTheNumberEvenForTheRightCodeUntilTheWindowEnds() {
    String phone = TestPhones.next();
    for (int i = 0; i < 5; i++) {
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(phone, "000000"));
    }

    String message = assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> verify(phone, DevModeOtpVerifier.CODE));

    assertThat(message).startsWith("otp_code");
    assertThat(ErrorDetails.reason(catchThrowableOfType(StatusRuntimeException.class,
        () -> verify(phone, DevModeOtpVerifier.CODE)))).isEqualTo("OTP_LOCKED");
    clock.advance(Duration.ofMinutes(4));
    assertThat(retryDelayOf(() -> verify(phone, DevModeOtpVerifier.CODE))).isEqualTo(Duration.ofMinutes(6));
    clock.advance(Duration.ofMinutes(10));
    assertThat(verify(phone, DevModeOtpVerifier.CODE)).isTrue();
  }

  @Test
  void successfulVerificationsDoNotCountAsFailedAttempts() {
    String phone = TestPhones.next();
    for (int i = 0; i < 4; i++) {
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(phone, "000000"));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(verify(phone, DevModeOtpVerifier.CODE)).isTrue();
    }

    assertFailsWith(Status.Code.UNAUTHENTICATED, () -> verify(phone, "000000"));
    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> verify(phone, DevModeOtpVerifier.CODE));
  }

  @Test
  void limitsAreSharedByInstancesAndOutliveAnInstance() {
    String phone = TestPhones.next();
    String ip = freshIp();
    send(auth.throughGateway(ip), phone);
    send(auth.throughGateway(ip), phone);

    // A second instance on the same database: another replica, or this one after a restart.
    AuthTestServer other = AuthTestServer.startOn(auth.db, clock, Map.of());
    try {
      send(other.throughGateway(ip), phone);
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(other.throughGateway(ip), phone));
    } finally {
      other.close();
    }
    assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(auth.throughGateway(ip), phone));
  }

  @Test
  void limitSizesAndWindowsAreSettings() {
    try (AuthTestServer strict = AuthTestServer.startOn(auth.db, clock, Map.of(
        "AUTH_SEND_OTP_PHONE_LIMIT", "1", "AUTH_SEND_OTP_PHONE_PERIOD", "30s",
        "AUTH_VERIFY_OTP_FAILURES_LIMIT", "1", "AUTH_VERIFY_OTP_FAILURES_PERIOD", "1m"))) {
      String phone = TestPhones.next();
      AuthServiceBlockingStub client = strict.throughGateway(freshIp());
      send(client, phone);
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> send(client, phone));
      assertFailsWith(Status.Code.UNAUTHENTICATED, () -> client.verifyOTP(VerifyOTPRequest.newBuilder()
          .setPhoneNumber(phone).setOtpCode("000000").build()));
      assertFailsWith(Status.Code.RESOURCE_EXHAUSTED, () -> client.verifyOTP(VerifyOTPRequest.newBuilder()
          .setPhoneNumber(phone).setOtpCode(DevModeOtpVerifier.CODE).build()));

      clock.advance(Duration.ofMinutes(1));
      send(client, phone);
      assertThat(client.verifyOTP(VerifyOTPRequest.newBuilder().setPhoneNumber(phone)
          .setOtpCode(DevModeOtpVerifier.CODE).build()).getAccessToken()).isNotEmpty();
    }
  }

  /** The google.rpc.RetryInfo delay of the RESOURCE_EXHAUSTED that {@code call} fails with. */
  private static Duration retryDelayOf(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).isNotNull();
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    return RetryDelay.of(failure).orElseThrow(() -> new AssertionError("no RetryInfo in " + failure));
  }

  private static void send(AuthServiceBlockingStub client, String phone) {
    client.sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
  }

  private static boolean verify(String phone, String code) {
    return !auth.stub().verifyOTP(VerifyOTPRequest.newBuilder().setPhoneNumber(phone).setOtpCode(code).build())
        .getAccessToken().isEmpty();
  }
}
