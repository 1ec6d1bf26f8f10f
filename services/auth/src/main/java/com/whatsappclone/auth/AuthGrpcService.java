package com.whatsappclone.auth;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.auth.TokenPair;
import com.whatsappclone.common.net.ClientAddressInterceptor;
import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import com.whatsappclone.proto.auth.BlockUserRequest;
import com.whatsappclone.proto.auth.BlockUserResponse;
import com.whatsappclone.proto.auth.ContactEntry;
import com.whatsappclone.proto.auth.GetPrivacySettingsRequest;
import com.whatsappclone.proto.auth.GetPrivacySettingsResponse;
import com.whatsappclone.proto.auth.GetUserProfilesRequest;
import com.whatsappclone.proto.auth.GetUserProfilesResponse;
import com.whatsappclone.proto.auth.ListBlockedUsersRequest;
import com.whatsappclone.proto.auth.ListBlockedUsersResponse;
import com.whatsappclone.proto.auth.ListContactsRequest;
import com.whatsappclone.proto.auth.ListContactsResponse;
import com.whatsappclone.proto.auth.SyncContactsRequest;
import com.whatsappclone.proto.auth.SyncContactsResponse;
import com.whatsappclone.proto.auth.UnblockUserRequest;
import com.whatsappclone.proto.auth.UnblockUserResponse;
import com.whatsappclone.proto.auth.UpdateContactsRequest;
import com.whatsappclone.proto.auth.UpdateContactsResponse;
import com.whatsappclone.proto.auth.UpdatePrivacySettingsRequest;
import com.whatsappclone.proto.auth.UpdatePrivacySettingsResponse;
import com.whatsappclone.proto.auth.Device;
import com.whatsappclone.proto.auth.GetMeRequest;
import com.whatsappclone.proto.auth.GetMeResponse;
import com.whatsappclone.proto.auth.ListDevicesRequest;
import com.whatsappclone.proto.auth.ListDevicesResponse;
import com.whatsappclone.proto.auth.LogoutAllDevicesRequest;
import com.whatsappclone.proto.auth.PushPlatform;
import com.whatsappclone.proto.auth.PushRegistration;
import com.whatsappclone.proto.auth.RefreshTokenRequest;
import com.whatsappclone.proto.auth.RefreshTokenResponse;
import com.whatsappclone.proto.auth.RegisterPushTokenRequest;
import com.whatsappclone.proto.auth.RegisterPushTokenResponse;
import com.whatsappclone.proto.auth.RemovePushTokenRequest;
import com.whatsappclone.proto.auth.RemovePushTokenResponse;
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
import java.util.List;
import java.util.Optional;

/** auth.AuthService on gRPC: translates between the proto messages and {@link AuthService}. */
final class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {

  static final String OTP_SENT = "verification code sent";

  private final AuthService service;
  private final ContactsService contacts;
  private final PrivacyService privacy;
  private final PushRegistrationService push;

  AuthGrpcService(AuthService service, ContactsService contacts, PrivacyService privacy,
      PushRegistrationService push) {
    this.service = service;
    this.contacts = contacts;
    this.privacy = privacy;
    this.push = push;
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
      response.addDevices(device(view.session(), view.current()));
    }
    reply(out, response.build());
  }

  @Override
  public void revokeDevice(RevokeDeviceRequest request, StreamObserver<RevokeDeviceResponse> out) {
    service.revokeDevice(AuthContext.currentUserId(), request.getId());
    reply(out, RevokeDeviceResponse.newBuilder().setSuccess(true).build());
  }

  @Override
  public void registerPushToken(RegisterPushTokenRequest request, StreamObserver<RegisterPushTokenResponse> out) {
    PushTokenRegistration registration = PushTokenRegistration.parse(request.getPlatformValue(), request.getToken(),
        request.getApnsTopic(), request.getApnsSandbox());
    DeviceSession session = push.register(AuthContext.currentUserId(), AuthContext.claims(), registration);
    reply(out, RegisterPushTokenResponse.newBuilder().setDevice(device(session, true)).build());
  }

  @Override
  public void removePushToken(RemovePushTokenRequest request, StreamObserver<RemovePushTokenResponse> out) {
    boolean removed = push.remove(AuthContext.currentUserId(), AuthContext.claims());
    reply(out, RemovePushTokenResponse.newBuilder().setRemoved(removed).build());
  }

  @Override
  public void syncContacts(SyncContactsRequest request, StreamObserver<SyncContactsResponse> out) {
    ContactsService.SyncResult result = contacts.sync(AuthContext.currentUserId(), request.getSyncToken(),
        uploads(request.getContactsList()), request.getLastPage());
    SyncContactsResponse.Builder response = SyncContactsResponse.newBuilder()
        .setSyncToken(result.syncToken())
        .setRemovedCount(result.removed());
    result.contacts().forEach(c -> response.addContacts(PrivacyProtos.contact(c)));
    result.rejected().forEach(r -> response.addRejected(PrivacyProtos.rejected(r)));
    reply(out, response.build());
  }

  @Override
  public void updateContacts(UpdateContactsRequest request, StreamObserver<UpdateContactsResponse> out) {
    ContactsService.UpdateResult result = contacts.update(AuthContext.currentUserId(),
        uploads(request.getAddList()), request.getRemoveList());
    UpdateContactsResponse.Builder response = UpdateContactsResponse.newBuilder().setRemovedCount(result.removed());
    result.added().forEach(c -> response.addAdded(PrivacyProtos.contact(c)));
    result.rejected().forEach(r -> response.addRejected(PrivacyProtos.rejected(r)));
    reply(out, response.build());
  }

  @Override
  public void listContacts(ListContactsRequest request, StreamObserver<ListContactsResponse> out) {
    ContactsService.ContactPage page = contacts.list(AuthContext.currentUserId(), request.getPageSize(),
        request.getPageToken());
    ListContactsResponse.Builder response = ListContactsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.contacts().forEach(c -> response.addContacts(PrivacyProtos.contact(c)));
    reply(out, response.build());
  }

  @Override
  public void blockUser(BlockUserRequest request, StreamObserver<BlockUserResponse> out) {
    privacy.block(AuthContext.currentUserId(), request.getUserId());
    reply(out, BlockUserResponse.getDefaultInstance());
  }

  @Override
  public void unblockUser(UnblockUserRequest request, StreamObserver<UnblockUserResponse> out) {
    privacy.unblock(AuthContext.currentUserId(), request.getUserId());
    reply(out, UnblockUserResponse.getDefaultInstance());
  }

  @Override
  public void listBlockedUsers(ListBlockedUsersRequest request, StreamObserver<ListBlockedUsersResponse> out) {
    PrivacyService.BlockedPage page = privacy.listBlocked(AuthContext.currentUserId(), request.getPageSize(),
        request.getPageToken());
    ListBlockedUsersResponse.Builder response = ListBlockedUsersResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.blocked().forEach(b -> response.addBlocked(PrivacyProtos.blocked(b)));
    reply(out, response.build());
  }

  @Override
  public void getPrivacySettings(GetPrivacySettingsRequest request, StreamObserver<GetPrivacySettingsResponse> out) {
    reply(out, GetPrivacySettingsResponse.newBuilder()
        .setSettings(PrivacyProtos.settings(privacy.getSettings(AuthContext.currentUserId()))).build());
  }

  @Override
  public void updatePrivacySettings(UpdatePrivacySettingsRequest request,
      StreamObserver<UpdatePrivacySettingsResponse> out) {
    PrivacySettingsStore.Change change = PrivacyProtos.change(request);
    reply(out, UpdatePrivacySettingsResponse.newBuilder()
        .setSettings(PrivacyProtos.settings(privacy.updateSettings(AuthContext.currentUserId(), change))).build());
  }

  @Override
  public void getUserProfiles(GetUserProfilesRequest request, StreamObserver<GetUserProfilesResponse> out) {
    GetUserProfilesResponse.Builder response = GetUserProfilesResponse.newBuilder();
    privacy.getProfiles(AuthContext.currentUserId(), request.getUserIdsList())
        .forEach(p -> response.addProfiles(PrivacyProtos.profile(p)));
    reply(out, response.build());
  }

  private static List<ContactsService.Upload> uploads(List<ContactEntry> entries) {
    return entries.stream().map(e -> new ContactsService.Upload(e.getPhoneNumber(), e.getDisplayName())).toList();
  }

  /** A session as ListDevices shows it; its push token is never answered back. */
  private static Device device(DeviceSession session, boolean current) {
    Device.Builder device = Device.newBuilder()
        .setId(session.id().toString())
        .setName(session.name())
        .setType(session.type().value())
        .setLastLoginAt(rfc3339(session.lastLoginAt()))
        .setLastUsedAt(rfc3339(session.lastUsedAt()))
        .setIsCurrent(current);
    session.push().ifPresent(p -> device.setPush(PushRegistration.newBuilder()
        .setPlatform(p.platform() == DevicePush.Platform.APNS ? PushPlatform.PUSH_PLATFORM_APNS
            : PushPlatform.PUSH_PLATFORM_FCM)
        .setApnsTopic(p.apnsTopic().orElse(""))
        .setApnsSandbox(p.apnsSandbox())
        .setRegisteredAt(rfc3339(p.registeredAt()))));
    return device.build();
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
