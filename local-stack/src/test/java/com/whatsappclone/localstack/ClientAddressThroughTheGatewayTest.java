package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatsappclone.common.grpc.RetryDelay;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.TestKafka;
import com.whatsappclone.testing.WithKafka;
import com.whatsappclone.testing.WithPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real auth service behind the real gateway, which trusts a (pretend) load balancer on
 * loopback: auth's per-IP SendOTP limit keys on the client the gateway vouched for, and a caller
 * that goes round the gateway to auth's own port is keyed on its TCP address, whatever
 * {@code x-forwarded-for} it sends. Refusals carry a RetryInfo through the gateway.
 */
@WithPostgres
@WithKafka
class ClientAddressThroughTheGatewayTest {

  private static final Metadata.Key<String> X_FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
  private static final AtomicInteger NEXT_IP = new AtomicInteger(1);

  private static RunningSystem system;
  private static ManagedChannel gateway;
  private static ManagedChannel authDirect;

  @BeforeAll
  static void startSystem(TestDatabase db, TestKafka kafka) {
    system = RunningSystem.start(db, kafka.bootstrapServers(), Map.of(
        "GATEWAY_TRUSTED_PROXIES", "127.0.0.0/8",
        "AUTH_SEND_OTP_IP_LIMIT", "2"));
    gateway = system.gatewayChannel();
    authDirect = NettyChannelBuilder.forAddress("127.0.0.1", system.authPort()).usePlaintext().build();
  }

  @AfterAll
  static void stopSystem() throws InterruptedException {
    if (authDirect != null) {
      authDirect.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void throughTheGatewayThePerIpLimitKeysOnTheForwardedClientAndSaysWhenToRetry() {
    String client = "198.51.100." + NEXT_IP.getAndIncrement();
    sendOtp(gateway, client);
    sendOtp(gateway, client);

    StatusRuntimeException refused = refusal(gateway, client);

    assertThat(refused.getStatus().getDescription()).contains("network address");
    assertThat(RetryDelay.of(refused)).hasValueSatisfying(delay -> assertThat(delay)
        .isPositive().isLessThanOrEqualTo(Duration.ofHours(1)));
    sendOtp(gateway, "198.51.100." + NEXT_IP.getAndIncrement());
  }

  @Test
  void callerGoingRoundTheGatewayIsLimitedByItsOwnAddressWhateverItForwards() {
    sendOtp(authDirect, "203.0.113." + NEXT_IP.getAndIncrement());
    sendOtp(authDirect, "203.0.113." + NEXT_IP.getAndIncrement());

    refusal(authDirect, "203.0.113." + NEXT_IP.getAndIncrement());
    refusal(authDirect, "203.0.113." + NEXT_IP.getAndIncrement() + ", 127.0.0.1");
  }

  private static void sendOtp(ManagedChannel channel, String forwardedFor) {
    stub(channel, forwardedFor).sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(newPhoneNumber()).build());
  }

  private static StatusRuntimeException refusal(ManagedChannel channel, String forwardedFor) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> sendOtp(channel, forwardedFor));
    assertThat(e).as("SendOTP should have been refused").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    return e;
  }

  private static AuthServiceGrpc.AuthServiceBlockingStub stub(ManagedChannel channel, String forwardedFor) {
    Metadata headers = new Metadata();
    headers.put(X_FORWARDED_FOR, forwardedFor);
    return AuthServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static String newPhoneNumber() {
    return "+90555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
  }
}
