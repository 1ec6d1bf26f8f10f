package com.whatsappclone.localstack;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Metadata;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** What every test that calls the system through the gateway needs: a dev-mode sign-in and a bearer token. */
final class GatewayCalls {

  /** The only code dev mode accepts. */
  static final String DEV_MODE_CODE = "123456";

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private GatewayCalls() {}

  /** A phone number no other test uses (with high probability). */
  static String newPhoneNumber() {
    return "+90555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
  }

  static AuthServiceGrpc.AuthServiceBlockingStub auth(Channel gateway) {
    return AuthServiceGrpc.newBlockingStub(gateway).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** SendOTP then VerifyOTP with the dev-mode code: the original README's sign-in. */
  static VerifyOTPResponse signIn(Channel gateway, String phone, String device) {
    auth(gateway).sendOTP(SendOTPRequest.newBuilder().setPhoneNumber(phone).build());
    return auth(gateway).verifyOTP(VerifyOTPRequest.newBuilder()
        .setPhoneNumber(phone).setOtpCode(DEV_MODE_CODE).setDeviceId(device).build());
  }

  static CallCredentials bearer(String accessToken) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + accessToken);
        applier.apply(headers);
      }
    };
  }
}
