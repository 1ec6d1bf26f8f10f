package com.whatsappclone.auth;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenPair;
import com.whatsappclone.common.net.ClientAddressInterceptor;
import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.Device;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.GetMeResponse;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.ListDevicesResponse;
import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RevokeCurrentDeviceRequest;
import com.whatsappclone.proto.auth.RevokeDeviceRequest;
import com.whatsappclone.proto.auth.RevokeDeviceResponse;
import com.whatsappclone.proto.auth.RevokeResponse;
import com.whatsappclone.proto.auth.SendOTPRequest;
import com.whatsappclone.proto.auth.SendOTPResponse;
import com.whatsappclone.proto.auth.UpdateProfileRequest;
import com.whatsappclone.proto.auth.UpdateProfileResponse;
import com.whatsappclone.proto.auth.ValidateTokenRequest;
import com.whatsappclone.proto.auth.ValidateTokenResponse;
import com.whatsappclone.proto.auth.VerifyOTPRequest;
import com.whatsappclone.proto.auth.VerifyOTPResponse;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Optional;

/** auth.AuthService on gRPC: translates between the proto messages and {@link AuthService}. */
final class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {

  static final String OTP_SENT = "verification code sent";

  private final AuthService service;

  AuthGrpcService(AuthService service) {
    this.service = service;
  }

  @Override
  public void sendOTP(SendOTPRequest request, StreamObserver<SendOTPResponse> out) {
    service.sendOtp(request.getPhoneNumber(), ClientAddressInterceptor.current());
    reply(out, SendOTPResponse.newBuilder().setMessage(OTP_SENT).build());
  }

  @Override
  public void verifyOTP(VerifyOTPRequest request, StreamObserver<VerifyOTPResponse> out) {
    Login login = service.verifyOtp(request.getPhoneNumber(), request.getOtpCode(), request.getDeviceId(),
        request.getDeviceType());
    reply(out, VerifyOTPResponse.newBuilder()
        .setUser(toProto(login.user()))
        .setAccessToken(login.tokens().access().token())
        .setRefreshToken(login.tokens().refresh().token())
        .build());
  }

  @Override
  public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> out) {
    Optional<String> userId = service.validateAccessToken(request.getAccessToken());
    userId.ifPresent(CallLog::user);
    reply(out, ValidateTokenResponse.newBuilder()
        .setIsValid(userId.isPresent())
        .setUserId(userId.orElse(""))
        .build());
  }

  @Override
  public void refreshToken(RefreshTokenRequest request, StreamObserver<RefreshTokenResponse> out) {
    TokenPair pair = service.refresh(request.getRefreshToken());
    reply(out, RefreshTokenResponse.newBuilder()
        .setAccessToken(pair.access().token())
        .setRefreshToken(pair.refresh().token())
        .build());
  }

  @Override
  public void revokeCurrentDevice(RevokeCurrentDeviceRequest request, StreamObserver<RevokeResponse> out) {
    service.revokeCurrentDevice(request.getRefreshToken());
    reply(out, RevokeResponse.newBuilder().setSuccess(true).build());
  }

  @Override
  public void logoutAllDevices(LogoutAllDevicesRequest request, StreamObserver<RevokeResponse> out) {
    service.logoutAllDevices(request.getAccessToken());
    reply(out, RevokeResponse.newBuilder().setSuccess(true).build());
  }

  @Override
  public void getMe(GetMeRequest request, StreamObserver<GetMeResponse> out) {
    User user = service.getMe(AuthContext.currentUserId());
    reply(out, GetMeResponse.newBuilder().setUser(toProto(user)).build());
  }

  @Override
  public void updateProfile(UpdateProfileRequest request, StreamObserver<UpdateProfileResponse> out) {
    User user = service.updateProfile(AuthContext.currentUserId(),
        request.hasDisplayName() ? request.getDisplayName() : null,
        request.hasAboutText() ? request.getAboutText() : null,
        request.hasProfilePictureUrl() ? request.getProfilePictureUrl() : null);
    reply(out, UpdateProfileResponse.newBuilder().setUser(toProto(user)).build());
  }

  @Override
  public void listDevices(ListDevicesRequest request, StreamObserver<ListDevicesResponse> out) {
    ListDevicesResponse.Builder response = ListDevicesResponse.newBuilder();
    for (AuthService.DeviceView view : service.listDevices(AuthContext.currentUserId(),
        AuthContext.claims().flatMap(TokenClaims::sessionId), CallerTokenInterceptor.current())) {
      DeviceSession session = view.session();
      response.addDevices(Device.newBuilder()
          .setId(session.id().toString())
          .setName(session.name())
          .setType(session.type().value())
          .setLastLoginAt(rfc3339(session.lastLoginAt()))
          .setLastUsedAt(rfc3339(session.lastUsedAt()))
          .setIsCurrent(view.current()));
    }
    reply(out, response.build());
  }

  @Override
  public void revokeDevice(RevokeDeviceRequest request, StreamObserver<RevokeDeviceResponse> out) {
    service.revokeDevice(AuthContext.currentUserId(), request.getId());
    reply(out, RevokeDeviceResponse.newBuilder().setSuccess(true).build());
  }

  static com.whatsappclone.proto.auth.User toProto(User user) {
    return com.whatsappclone.proto.auth.User.newBuilder()
        .setId(user.id().toString())
        .setPhoneNumber(user.phoneNumber())
        .setDisplayName(orEmpty(user.displayName()))
        .setProfilePictureUrl(orEmpty(user.profilePictureUrl()))
        .setAboutText(orEmpty(user.aboutText()))
        .setLastSeenAt(rfc3339(user.lastSeenAt()))
        .setCreatedAt(rfc3339(user.createdAt()))
        .setUpdatedAt(rfc3339(user.updatedAt()))
        .build();
  }

  /** RFC 3339 in UTC ({@code 2024-05-01T10:15:30.123456Z}); "" for a time never set. */
  static String rfc3339(Instant instant) {
    return Timestamps.format(instant);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }
}
